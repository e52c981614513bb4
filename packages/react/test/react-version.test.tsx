import { version } from 'react';
import { renderToString } from 'react-dom/server';
import { expect, inject, it } from 'vitest';

it('runs against the React major its project names (both ends of the peer range)', () => {
  expect(version.split('.')[0]).toBe(inject('reactMajor'));
  expect(renderToString(<p>same React</p>)).toBe('<p>same React</p>');
});
