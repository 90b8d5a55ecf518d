/**
 * Portico's Prometheus metrics: what each exchange and each failed attempt adds, and what is sampled when scraped
 * (targets' health and load, connections, WebSockets, certificates, the configuration's revision, the JVM).
 */
package dev.portico.http.metrics;
