import type { RegisteredPlan } from '../domain/planes/plan.js';
import type { StoredPlan } from '../store/schema.js';

/** A RegisteredPlan as JSONB: its ordered subject map becomes an ordered list of entries. */
export function toStoredPlan(plan: RegisteredPlan): StoredPlan {
  return { ...plan, asignaturas: [...plan.asignaturas.entries()] };
}

export function fromStoredPlan(stored: StoredPlan): RegisteredPlan {
  return { ...stored, asignaturas: new Map(stored.asignaturas) };
}
