import type { MessageOverrides } from '../messages';

/**
 * The message for an id of one area's catalog, with `{name}` placeholders filled in. Overrides
 * win; an unknown placeholder is left as written so a mistranslation is visible, never a crash.
 * Code looks messages up in its own area's catalog, so a page bundles only the areas it uses.
 */
export function formatMessage<Id extends keyof MessageOverrides>(
  catalog: Readonly<Record<Id, string>>,
  id: Id,
  values?: Readonly<Record<string, string | number>>,
  overrides?: MessageOverrides,
): string {
  const template = overrides?.[id] ?? catalog[id];
  if (!values) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    Object.hasOwn(values, name) ? String(values[name]) : whole,
  );
}
