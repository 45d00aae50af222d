import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth } from '@nestjs/swagger';

/**
 * Who may call a route, decided by metadata on the controller or handler, never by the URL's spelling:
 * - `public`: anyone (health probes, metrics);
 * - `admin`: `Bearer <ADMIN_API_KEY>` (creating centers, operator recomputes);
 * - `center`: `Bearer <center API key>`; the request then carries its CenterContext.
 * A route with no decision is refused (AccessGuard), and the router-enumerating test fails on it.
 */
export type RouteAccess = 'public' | 'admin' | 'center';

export const ROUTE_ACCESS = 'auth:route-access';

/** No credentials needed. */
export const Public = () => SetMetadata(ROUTE_ACCESS, 'public');

/** Takes `Bearer <ADMIN_API_KEY>` instead of a center's key. */
export const AdminOnly = () => applyDecorators(SetMetadata(ROUTE_ACCESS, 'admin'), ApiBearerAuth('adminKey'));

/** Takes a center's API key; the handler reads the center with @CurrentCenter(). */
export const CenterKey = () => applyDecorators(SetMetadata(ROUTE_ACCESS, 'center'), ApiBearerAuth('apiKey'));
