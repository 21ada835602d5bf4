/**
 * Links arrive already built by the caller; check each is an absolute http(s) URL so a bug can never
 * put `javascript:` into an href or a line break into `List-Unsubscribe`. A bad link is a programming
 * error, so it throws rather than rendering a broken email.
 */
export function httpUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new RangeError('email link is not an absolute URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new RangeError('email link must be http(s)');
  return url.href;
}

export type CheckInLinks = { fine: string; sore: string; pain: string };

export function checkInUrls(links: CheckInLinks): CheckInLinks {
  return { fine: httpUrl(links.fine), sore: httpUrl(links.sore), pain: httpUrl(links.pain) };
}
