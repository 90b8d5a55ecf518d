/**
 * Active health checks ({@link dev.portico.http.health.ActiveHealthChecks}): each target of an upstream that asks for
 * them is probed on its own schedule ({@link dev.portico.http.health.Probe}), and the verdicts go to the domain's
 * target states, which the balancers read.
 */
package dev.portico.http.health;
