#ifndef PBT_ALLOW_H
#define PBT_ALLOW_H

struct pbt_cx;
struct pbt_finding;

/*
 * Inline approvals.  A line
 *     pbtable:allow RULE_ID reason...
 * in the leading comment of an element in NEW approves that rule's
 * findings on that element, and only there.  "The element" is the subject
 * of the check (pbt_cx_subject()): a deletion is reported on the surviving
 * parent, so an approval there covers it; a file's own comment is the one
 * before its syntax (or edition) or package statement, detached or not.
 * A finding about a deleted file has no element in NEW to carry one.
 *
 * Called by pbt_cx_report() while the schemas are alive: sets
 * f->allow_reason (strings in the findings' arena) when an approval for
 * f->rule with a reason is there; sets f->allow_problem when one names
 * f->rule without a reason (not applied: a reason is required) or names
 * no known rule.  Whether approvals count is the caller's choice.
 */
void pbt_allow_capture(struct pbt_cx *cx, struct pbt_finding *f);

#endif
