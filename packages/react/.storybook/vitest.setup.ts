import * as a11yAnnotations from '@storybook/addon-a11y/preview';
import { setProjectAnnotations } from '@storybook/react-vite';
import { configure } from 'storybook/test';
import '../test/window-focus';
import * as projectAnnotations from './preview';

setProjectAnnotations([a11yAnnotations, projectAnnotations]);

// The stories' waitFor when run as tests: a loaded 2-core machine runs the browser projects side
// by side, and the default second is too short there.
configure({ asyncUtilTimeout: 10_000 });
