/**
 * Which route serves a request: the immutable routing table built from a configuration
 * ({@link dev.portico.domain.routing.RoutingTable}), each route resolved with its upstream's balancer
 * ({@link dev.portico.domain.routing.ResolvedRoute}), and the decision for one request
 * ({@link dev.portico.domain.routing.RoutingDecision}). Uses the model, the balancers and the targets' states; none of
 * them uses it.
 */
package dev.portico.domain.routing;
