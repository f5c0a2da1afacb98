export {
  type CreatedProject,
  type CreateProjectOptions,
  createProject,
} from './create-project.js';
export { isTemplateName, TEMPLATES, type TemplateName } from './templates.js';
