import type { Preview } from '@storybook/react-vite';
import '../stories/example.css';

const preview: Preview = {
  parameters: {
    // Every story is checked with axe; a violation fails its test.
    a11y: { test: 'error' },
  },
};

export default preview;
