// TEMPORARY: core's TEMPLATE_VERSION (DESIGN.md) has not landed yet; replaced by the core import when it does.
export const TEMPLATE_VERSION = '1.0.0';
