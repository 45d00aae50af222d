export interface FieldError {
  /** Where in the input: `name`, `items[2].email`, or a header/query name. */
  path: string;
  message: string;
}

/**
 * A failure the caller can act on. Services throw these; one REST filter maps them to problem+json
 * (RFC 9457) and, later, one GraphQL formatter to `extensions.code`.
 */
export class AppError extends Error {
  constructor(
    readonly status: number,
    /** Stable, kebab-case; becomes the problem `type` (`/problems/<code>`) and GraphQL `extensions.code`. */
    readonly code: string,
    readonly title: string,
    detail: string,
    readonly errors?: FieldError[],
  ) {
    super(detail);
  }
}

export class ValidationFailedError extends AppError {
  constructor(errors: FieldError[], detail = 'The request has invalid fields; see errors[].') {
    super(400, 'validation-error', 'Invalid request', detail, errors);
  }
}

export class UnauthorizedError extends AppError {
  constructor(detail: string) {
    super(401, 'unauthorized', 'Unauthorized', detail);
  }
}

export class NotFoundError extends AppError {
  constructor(detail: string) {
    super(404, 'not-found', 'Not found', detail);
  }
}

export class ConflictError extends AppError {
  constructor(detail: string) {
    super(409, 'conflict', 'Conflict', detail);
  }
}

export class UnprocessableError extends AppError {
  constructor(detail: string, errors?: FieldError[]) {
    super(422, 'unprocessable', 'Unprocessable request', detail, errors);
  }
}

export class UnsupportedMediaTypeError extends AppError {
  constructor(detail: string) {
    super(415, 'unsupported-media-type', 'Unsupported media type', detail);
  }
}

/** What was asked for named a student who has since been erased: it is gone for good (`/problems/erased`). */
export class ErasedError extends AppError {
  constructor(detail: string) {
    super(410, 'erased', 'Erased', detail);
  }
}
