/**
 * A URL a stack event asks us to call (a ResponseURL, an SNS certificate or subscribe URL),
 * parsed; null when it does not parse or carries credentials, which AWS's URLs never do.
 */
export function parseCallbackUrl(value: string): URL | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return null;
  }
  return url.username || url.password ? null : url;
}
