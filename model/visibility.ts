// What a unit may read of a plan when units do not see each other's progress: the items (tasks and
// their targets) of the tasks it leads or co-leads — the same tasks it may report on.
import { walkNodes, type Plan } from './plan';
import { assignmentOf, takesPart, type TaskAssignment } from './sheet';

export function unitItemIds(plan: Plan, assignments: ReadonlyMap<string, TaskAssignment>, unit: string): Set<string> {
  const ids = new Set<string>();
  for (const { node } of walkNodes(plan.nodes)) {
    if (!takesPart(assignmentOf(node, assignments), unit)) continue;
    ids.add(node.id);
    for (const t of node.targets) ids.add(t.id);
  }
  return ids;
}
