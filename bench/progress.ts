// The progress display is shared with the demo and the recompute CLI; it lives in src/cli.
export { Progress, Step, step } from '../src/cli/progress.js';
