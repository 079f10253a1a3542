/**
 * The one error type of the service. Every refusal is built from CODE_TABLE, so the HTTP status and
 * the default message of a code live in exactly one place; `response/error.ts` turns it into the
 * BOS-style JSON body.
 */
export const CODE_TABLE = {
  InvalidArgument: { status: 400, message: 'The request is invalid.' },
  MissingArgument: { status: 400, message: 'A required parameter is missing.' },
  ImageTooLarge: { status: 400, message: 'The image exceeds a size limit.' },
  UnsupportedImageFormat: {
    status: 400,
    message: 'The object is not an image in a supported format.',
  },
  MalformedJSON: { status: 400, message: 'The JSON you provided was not well-formed.' },
  AccessDenied: { status: 403, message: 'Access denied.' },
  SignatureDoesNotMatch: { status: 403, message: 'The request signature does not match.' },
  RequestExpired: { status: 403, message: 'The request has expired.' },
  NoSuchKey: { status: 404, message: 'The specified key does not exist.' },
  NoSuchStyle: { status: 404, message: 'The specified style does not exist.' },
  NoSuchBucket: { status: 404, message: 'The specified bucket does not exist.' },
  MethodNotAllowed: { status: 405, message: 'The method is not allowed.' },
  InternalError: { status: 500, message: 'We encountered an internal error. Please try again.' },
  // Not a BOS code: the deployment lacks the watermark fonts (the message names the object).
  FontNotInstalled: { status: 500, message: 'A watermark font is not installed in the bucket.' },
  // Not BOS codes: the isolate ran out of memory for a request its plan said would fit (retry).
  ServiceUnavailable: {
    status: 503,
    message: 'The service is busy; please retry the request.',
  },
  // Not BOS codes: a capability of the protocol this deployment does not execute yet, and an
  // HTTP origin that failed to answer (BOS has no origins, so it has no code for that).
  NotImplemented: { status: 501, message: 'This capability is not implemented yet.' },
  OriginUnavailable: { status: 502, message: 'The origin did not return the object.' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof CODE_TABLE;

export class BosError extends Error {
  readonly code: ErrorCode;
  readonly status: number;

  constructor(code: ErrorCode, message?: string) {
    super(message ?? CODE_TABLE[code].message);
    this.name = 'BosError';
    this.code = code;
    this.status = CODE_TABLE[code].status;
  }
}

/** Message shapes of PROTOCOL.md §2.2, in one place so every action words them the same way. */
export const messages = {
  invalidValue: (key: string, value: string) =>
    `The value: ${value} of parameter: ${key} is invalid.`,
  unsupportedAction: (name: string) => `action ${name} is not supported`,
  unsupportedParameter: (key: string, action: string) =>
    `parameter ${key} is not supported by action ${action}`,
  repeatedParameter: (key: string, action: string) =>
    `parameter ${key} is repeated in action ${action}`,
  requiredParameter: (key: string, action: string) =>
    `parameter ${key} is required by action ${action}`,
  cropOutside: () => "Advance cut's position is out of image.",
  unsupportedOutput: (format: string) => `${format} output is not supported`,
  notImplemented: (what: string) => `${what} is not implemented yet`,
};

export const invalidValue = (key: string, value: string) =>
  new BosError('InvalidArgument', messages.invalidValue(key, value));
export const missingParameter = (key: string, action: string) =>
  new BosError('MissingArgument', messages.requiredParameter(key, action));
