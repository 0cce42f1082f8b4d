package dev.byoc.cli;

import java.security.KeyManagementException;
import java.security.Provider;
import java.security.SecureRandom;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;

/**
 * An SSL context for a client that only ever speaks plain HTTP: the JDK's HttpClient otherwise
 * loads the default context, its providers and the trust store when it is built, a quarter of a
 * second of start-up a {@code http://} registry never needs. Any use of it fails loudly.
 */
final class NoTls extends SSLContext {
    private static final Provider PROVIDER = new Provider("byoc-no-tls", "1", "plain HTTP only") {
        private static final long serialVersionUID = 1L;
    };

    NoTls() {
        super(new Spi(), PROVIDER, "none");
    }

    private static final class Spi extends SSLContextSpi {
        private static UnsupportedOperationException unused() {
            return new UnsupportedOperationException("TLS is not set up for a http:// registry");
        }

        @Override
        protected void engineInit(KeyManager[] km, TrustManager[] tm, SecureRandom sr) throws KeyManagementException {
            throw unused();
        }

        @Override
        protected SSLSocketFactory engineGetSocketFactory() {
            throw unused();
        }

        @Override
        protected SSLServerSocketFactory engineGetServerSocketFactory() {
            throw unused();
        }

        @Override
        protected SSLEngine engineCreateSSLEngine() {
            throw unused();
        }

        @Override
        protected SSLEngine engineCreateSSLEngine(String host, int port) {
            throw unused();
        }

        @Override
        protected SSLSessionContext engineGetServerSessionContext() {
            throw unused();
        }

        @Override
        protected SSLSessionContext engineGetClientSessionContext() {
            throw unused();
        }
    }
}
