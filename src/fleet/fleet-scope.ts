import { Construct } from 'constructs';
import { Fleet } from './fleet';

/**
 * The fleet a fleet-wide construct belongs to (its scope or the nearest Fleet above it), and the
 * id of its objects in the clusters' charts: the construct ids from the fleet down, joined by `-`
 * (just `id` for a construct made directly in the fleet), so that two constructs with the same id
 * in different scopes of one fleet never collide in a cluster's chart.
 */
export function fleetScope(construct: Construct): { fleet: Fleet; id: string } {
  const fleet = Fleet.of(construct);
  const below = construct.node.scopes.slice(construct.node.scopes.indexOf(fleet) + 1);
  return { fleet, id: below.map((c) => c.node.id).join('-') };
}
