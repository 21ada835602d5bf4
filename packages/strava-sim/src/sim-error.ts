/** A control-API failure with the HTTP status it maps to; never used for Strava-shaped errors. */
export class SimError extends Error {
  constructor(
    readonly status: 400 | 404 | 409,
    message: string,
  ) {
    super(message);
    this.name = 'SimError';
  }
}
