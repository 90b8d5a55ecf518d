/**
 * What the data plane tells about itself: each exchange as one {@link dev.portico.http.observe.ExchangeRecord}, heard
 * by the access log and the metrics through an {@link dev.portico.http.observe.ExchangeSink}; request ids and W3C
 * trace context. Under every layer that reads requests, above none.
 */
package dev.portico.http.observe;
