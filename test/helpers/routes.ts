import { RequestMethod, type INestApplication, type Type } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { MetadataScanner, ModulesContainer, Reflector } from '@nestjs/core';
import { ROUTE_ACCESS, type RouteAccess } from '../../src/common/auth/route-access.js';

export interface DeclaredRoute {
  method: string;
  /** As Express holds it, e.g. `/v1/students/:externalId`. */
  path: string;
  access: RouteAccess | undefined;
  handler: string;
}

/** Every route of every controller Nest registered, with the access decision its metadata carries. */
export function controllerRoutes(app: INestApplication): DeclaredRoute[] {
  const reflector = new Reflector();
  const scanner = new MetadataScanner();
  const routes: DeclaredRoute[] = [];
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as Type | null;
      if (!controller) continue;
      const base = reflector.get<string | string[]>(PATH_METADATA, controller);
      for (const name of scanner.getAllMethodNames(controller.prototype as object)) {
        const handler = (controller.prototype as Record<string, unknown>)[name] as () => unknown;
        const sub = reflector.get<string | string[] | undefined>(PATH_METADATA, handler);
        if (sub === undefined) continue; // not a route handler
        const method = RequestMethod[reflector.get<RequestMethod>(METHOD_METADATA, handler)];
        routes.push({
          method,
          path: ('/' + [base, sub].flat().filter(Boolean).join('/'))
            .replace(/\/+/g, '/')
            .replace(/(.)\/$/, '$1'),
          access: reflector.getAllAndOverride<RouteAccess>(ROUTE_ACCESS, [handler, controller]),
          handler: `${controller.name}.${name}`,
        });
      }
    }
  }
  return routes;
}

interface ExpressLayer {
  route?: { path: string; methods: Record<string, boolean> };
}

/** The routes Express itself will match, as `METHOD path`: the truth the controller list is checked against. */
export function expressRoutes(app: INestApplication): string[] {
  const server = app.getHttpAdapter().getInstance() as { router: { stack: ExpressLayer[] } };
  return server.router.stack.flatMap((layer) =>
    layer.route ? Object.keys(layer.route.methods).map((m) => `${m.toUpperCase()} ${layer.route!.path}`) : [],
  );
}
