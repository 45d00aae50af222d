import type { ApolloServerPlugin } from '@apollo/server';
import {
  Logger,
  Module,
  NotFoundException,
  type DynamicModule,
  type MiddlewareConsumer,
  type NestModule,
} from '@nestjs/common';
import type { RequestHandler } from 'express';
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import {
  EXPLORER_ASSETS_PATH,
  EXPLORER_CSS,
  EXPLORER_SCRIPT,
  explorerContentSecurityPolicy,
  explorerHtml,
} from './explorer-page.js';

/** A file of the page: read from an installed package, or written here. */
type Asset = { file: string } | { body: string; type: string };

/**
 * GraphiQL's prebuilt browser bundle (UMD, with its stylesheet) and the React 18 UMD builds it runs on, from
 * node_modules. graphiql 4 is the last major that ships that bundle (5 needs a bundler), React 18 the last with
 * UMD builds. They are dev dependencies: the production image prunes them, and serves no explorer anyway.
 */
const PACKAGED: Record<string, [pkg: string, file: string]> = {
  'react.production.min.js': ['react', 'umd/react.production.min.js'],
  'react-dom.production.min.js': ['react-dom', 'umd/react-dom.production.min.js'],
  'graphiql.min.js': ['graphiql', 'graphiql.min.js'],
  'index.umd.js.map': ['graphiql', 'graphiql.min.js.map'], // the name graphiql.min.js gives its source map
  'graphiql.min.css': ['graphiql', 'graphiql.min.css'],
};

/**
 * The GraphQL explorer of a development service: GET /graphql in a browser (Apollo's landing page hook) answers
 * the page of explorer-page.ts, whose files this service serves under /graphql/explorer/assets/, public like
 * the page (the page holds no data; every query it runs carries the token entered in it).
 */
export class GraphqlExplorer {
  /**
   * The nonce of the GET /graphql being answered: the middleware puts it in the Content-Security-Policy header,
   * and Apollo, further down the same request, renders the page with it.
   */
  private readonly pageNonce = new AsyncLocalStorage<string>();

  private constructor(private readonly assets: ReadonlyMap<string, Asset>) {}

  /**
   * The explorer, or undefined (with a warning) when its packages are not installed, as after
   * `npm prune --omit=dev`. `resolve` finds a package's package.json (tests pass one that finds nothing).
   */
  static fromInstalledPackages(
    resolve: (id: string) => string = (id) => createRequire(import.meta.url).resolve(id),
  ): GraphqlExplorer | undefined {
    const assets = new Map<string, Asset>([
      ['explorer.js', { body: EXPLORER_SCRIPT, type: 'text/javascript' }],
      ['explorer.css', { body: EXPLORER_CSS, type: 'text/css' }],
    ]);
    try {
      for (const [name, [pkg, file]] of Object.entries(PACKAGED)) {
        const absolute = path.join(path.dirname(resolve(`${pkg}/package.json`)), file);
        if (!existsSync(absolute)) throw new Error(`${pkg} has no ${file}`);
        assets.set(name, { file: absolute });
      }
    } catch (error) {
      new Logger('GraphQL').warn(
        `No GraphQL explorer at GET /graphql: ${(error as Error).message.split('\n')[0]}. ` +
          'It is served from the dev dependencies graphiql@4, react@18 and react-dom@18: run `npm install`.',
      );
      return undefined;
    }
    return new GraphqlExplorer(assets);
  }

  /** Apollo Server's landing page: what GET /graphql answers a browser (a request that prefers text/html). */
  landingPage(): ApolloServerPlugin {
    const html = () => Promise.resolve(explorerHtml(this.pageNonce.getStore()));
    return { serverWillStart: () => Promise.resolve({ renderLandingPage: () => Promise.resolve({ html }) }) };
  }

  /**
   * Runs before Apollo for every request under /graphql: serves the page's files, answers 404 for any other
   * name under the assets path, and gives GET /graphql (the page, when a browser asks) its
   * Content-Security-Policy with a fresh nonce. Everything else goes on to Apollo untouched.
   */
  middleware(): RequestHandler {
    const prefix = `${EXPLORER_ASSETS_PATH}/`;
    return (req, res, next) => {
      const pathname = req.originalUrl.split('?')[0];
      const reading = req.method === 'GET' || req.method === 'HEAD';
      if (pathname === '/graphql') {
        if (!reading) {
          next();
          return;
        }
        // Every GET: only Apollo knows whether it answers with the page (a browser's request) or refuses it.
        const nonce = randomBytes(16).toString('base64');
        res.setHeader('Content-Security-Policy', explorerContentSecurityPolicy(nonce));
        this.pageNonce.run(nonce, next);
        return;
      }
      if (!pathname.startsWith(prefix)) {
        next();
        return;
      }
      const asset = this.assets.get(pathname.slice(prefix.length));
      if (!asset || !reading) {
        next(new NotFoundException(`No explorer file ${pathname}.`));
        return;
      }
      res.setHeader('X-Content-Type-Options', 'nosniff');
      res.setHeader('Cache-Control', 'no-cache'); // revalidated by ETag: an upgraded package is seen at once
      if ('file' in asset)
        res.sendFile(asset.file, (error?: Error) => {
          if (error) next(error);
        });
      else res.type(asset.type).send(asset.body);
    };
  }
}

/** Mounts the explorer's middleware ahead of Apollo's (Nest registers middleware before GraphQL starts). */
@Module({})
export class GraphqlExplorerModule implements NestModule {
  static forRoot(explorer: GraphqlExplorer): DynamicModule {
    return { module: GraphqlExplorerModule, providers: [{ provide: GraphqlExplorer, useValue: explorer }] };
  }

  constructor(private readonly explorer: GraphqlExplorer) {}

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(this.explorer.middleware()).forRoutes('graphql');
  }
}
