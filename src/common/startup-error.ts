/** A start-up failure an operator fixes by reading the message; main prints it without a stack trace. */
export class StartupError extends Error {
  /** 78 (EX_CONFIG) when the fix is in the configuration, as for invalid variables. */
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}
