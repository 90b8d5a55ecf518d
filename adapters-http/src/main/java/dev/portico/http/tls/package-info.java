/**
 * HTTPS for Portico's listener: certificates loaded from PEM files or text ({@link dev.portico.http.tls.CertificateBundle}),
 * kept by name ({@link dev.portico.http.tls.CertificateRegistry}), chosen per handshake by SNI
 * ({@link dev.portico.http.tls.SniKeyManager}), served through a Helidon {@code Tls}
 * ({@link dev.portico.http.tls.TlsListener}) and reloaded when certbot renews them on disk
 * ({@link dev.portico.http.tls.CertificateWatcher}). A certificate that fails validation never replaces one in service.
 */
package dev.portico.http.tls;
