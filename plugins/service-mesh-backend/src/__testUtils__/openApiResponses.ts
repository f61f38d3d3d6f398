import Ajv, { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { RequestHandler } from 'express';
import { spec } from '../schema/openapi';

/** One answer the router gave, as the client saw it. */
export interface RecordedResponse {
  method: string;
  path: string;
  status: number;
  body: unknown;
}

type Spec = {
  paths: Record<string, Record<string, { responses: Record<string, any> }>>;
  components: { responses: Record<string, any> };
};

// A plain copy: `spec` is a deeply readonly constant.
const document: Spec = JSON.parse(JSON.stringify(spec));

/**
 * Express middleware that records every JSON answer, error answers included
 * (mount it before the router and the error handler).
 */
export function recordResponses(): {
  middleware: RequestHandler;
  responses: RecordedResponse[];
} {
  const responses: RecordedResponse[] = [];
  const middleware: RequestHandler = (req, res, next) => {
    const json = res.json.bind(res);
    res.json = body => {
      responses.push({
        method: req.method.toLowerCase(),
        path: req.path,
        status: res.statusCode,
        body: JSON.parse(JSON.stringify(body ?? null)),
      });
      return json(body);
    };
    next();
  };
  return { middleware, responses };
}

function escapePointer(segment: string) {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

/**
 * Checks answers against the response schemas of the OpenAPI document: the
 * route and status must be documented and the body must match the schema.
 */
export class OpenApiResponseChecker {
  private readonly ajv = addFormats(
    new Ajv({ strict: false, allErrors: true, validateSchema: false }),
  );
  private readonly validators = new Map<string, ValidateFunction>();
  private readonly routes = Object.keys(document.paths).map(template => ({
    template,
    pattern: new RegExp(
      `^${template.replace(/\{[^}]+\}/g, '[^/]+').replace(/\//g, '\\/')}$`,
    ),
  }));

  constructor() {
    this.ajv.addSchema(document, 'openapi');
  }

  /** What is wrong with one answer; empty when it matches the document. */
  problems(response: RecordedResponse): string[] {
    const where = `${response.method.toUpperCase()} ${response.path} → ${
      response.status
    }`;
    const route = this.routes.find(r => r.pattern.test(response.path));
    if (!route) {
      // Any path outside the document may answer 404, with the error body.
      return response.status === 404
        ? this.check(where, 'openapi#/components/schemas/ErrorBody', response)
        : [`${where}: the route is not in the OpenAPI document`];
    }
    const operation = document.paths[route.template][response.method];
    const answer = operation?.responses[String(response.status)];
    if (!answer) {
      return [`${where}: the status is not documented for this route`];
    }
    const pointer = answer.$ref
      ? answer.$ref.replace(/^#/, '')
      : `/paths/${escapePointer(route.template)}/${response.method}/responses/${
          response.status
        }`;
    return this.check(
      where,
      `openapi#${pointer}/content/application~1json/schema`,
      response,
    );
  }

  private check(where: string, ref: string, response: RecordedResponse) {
    const validate = this.validator(ref);
    if (validate(response.body)) {
      return [];
    }
    return (validate.errors ?? []).map(
      e =>
        `${where}: body${e.instancePath} ${e.message}${
          e.params && 'additionalProperty' in e.params
            ? ` '${e.params.additionalProperty}'`
            : ''
        }`,
    );
  }

  private validator(ref: string): ValidateFunction {
    let validate = this.validators.get(ref);
    if (!validate) {
      validate = this.ajv.compile({ $ref: ref });
      this.validators.set(ref, validate);
    }
    return validate;
  }
}
