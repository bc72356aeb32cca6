import type { WorkspaceDoc } from './model.js';
import type { WorkspaceOut } from './schema.js';

export function presentWorkspace(workspace: Pick<WorkspaceDoc, '_id' | 'name'>): WorkspaceOut {
  return { id: workspace._id, name: workspace.name };
}
