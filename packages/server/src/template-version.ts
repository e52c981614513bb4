/**
 * Whether a stack's template version is older than the current one. Numeric parts compare as
 * numbers (`1.10.0` is newer than `1.9.0`).
 */
export function isOlderTemplateVersion(found: string, current: string): boolean {
  return found.localeCompare(current, 'en', { numeric: true }) < 0;
}
