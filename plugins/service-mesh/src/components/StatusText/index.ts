export { StatusText } from './StatusText';
