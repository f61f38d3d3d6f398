export { serviceMeshPlugin as default } from './plugin';
