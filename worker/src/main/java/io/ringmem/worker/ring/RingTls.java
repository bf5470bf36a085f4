package io.ringmem.worker.ring;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.ringmem.RingmemException;

import javax.net.ssl.SSLException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;

/**
 * Mutual TLS on the ring ({@code --ring-tls-cert FILE --ring-tls-key FILE --ring-tls-ca FILE}): every ring connection,
 * accepted or made, runs TLS (Netty {@link SslHandler}, JDK provider) first in its pipeline, and each side must present
 * a certificate issued by the CA; the HMAC session handshake then runs inside TLS. A peer whose certificate the CA did
 * not issue (or that speaks no TLS) is closed by the TLS handshake before any ring frame is read.
 *
 * <p>Not checked: host names (any certificate from the CA is a ring member, whatever address it connects from or
 * to); revocation. The CA file is the trust anchor: use a CA dedicated to the ring.
 */
public final class RingTls {
    private final SslContext server;
    private final SslContext client;

    private RingTls(SslContext server, SslContext client) {
        this.server = server;
        this.client = client;
    }

    /**
     * Reads PEM files: the worker's certificate chain, its PKCS#8 private key ({@code BEGIN PRIVATE KEY}, e.g.
     * {@code openssl pkcs8 -topk8 -nocrypt}) and the CA certificate(s) that issue the ring's certificates.
     *
     * @throws RingmemException one line naming the flag and file when one is unreadable, not PEM of the expected
     *                          kind, or the key does not belong to the certificate
     */
    public static RingTls fromPem(Path certFile, Path keyFile, Path caFile) {
        List<X509Certificate> chain = certificates("--ring-tls-cert", certFile);
        List<X509Certificate> cas = certificates("--ring-tls-ca", caFile);
        PrivateKey key = privateKey(keyFile, chain.getFirst());
        X509Certificate[] chainArray = chain.toArray(X509Certificate[]::new);
        X509Certificate[] caArray = cas.toArray(X509Certificate[]::new);
        try {
            SslContext server = SslContextBuilder.forServer(key, chainArray).sslProvider(SslProvider.JDK)
                    .trustManager(caArray).clientAuth(ClientAuth.REQUIRE).build();
            SslContext client = SslContextBuilder.forClient().sslProvider(SslProvider.JDK)
                    .keyManager(key, chainArray).trustManager(caArray)
                    .endpointIdentificationAlgorithm(null) // peers are ring members by CA, not by host name (see above)
                    .build();
            return new RingTls(server, client);
        } catch (SSLException | IllegalArgumentException e) {
            throw new RingmemException("ring TLS from " + certFile + ", " + keyFile + ", " + caFile + ": " + e.getMessage());
        }
    }

    /** A handler for an accepted connection (the peer must present a certificate from the CA). */
    SslHandler acceptor(ByteBufAllocator alloc) {
        return server.newHandler(alloc);
    }

    /** A handler for a connection to {@code target}. */
    SslHandler connector(ByteBufAllocator alloc, HostPort target) {
        return client.newHandler(alloc, target.host(), target.port());
    }

    private static List<X509Certificate> certificates(String flag, Path file) {
        byte[] bytes = read(flag, file);
        try {
            List<X509Certificate> out = CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(bytes))
                    .stream().map(X509Certificate.class::cast).toList();
            if (out.isEmpty()) throw new RingmemException(flag + " " + file + ": no PEM certificate in it");
            return out;
        } catch (CertificateException e) {
            throw new RingmemException(flag + " " + file + ": not a PEM certificate (" + e.getMessage() + ")");
        }
    }

    private static PrivateKey privateKey(Path file, X509Certificate cert) {
        String pem = new String(read("--ring-tls-key", file), StandardCharsets.US_ASCII);
        int begin = pem.indexOf("-----BEGIN PRIVATE KEY-----");
        int end = pem.indexOf("-----END PRIVATE KEY-----");
        if (begin < 0 || end < begin) {
            throw new RingmemException("--ring-tls-key " + file + ": not a PKCS#8 PEM private key (BEGIN PRIVATE KEY); convert with "
                    + "`openssl pkcs8 -topk8 -nocrypt`");
        }
        String algorithm = cert.getPublicKey().getAlgorithm();
        PrivateKey key;
        try {
            byte[] der = Base64.getMimeDecoder().decode(pem.substring(begin + 27, end));
            key = KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new RingmemException("--ring-tls-key " + file + ": not a PKCS#8 " + algorithm + " private key matching --ring-tls-cert");
        }
        if (!matches(key, cert)) {
            throw new RingmemException("--ring-tls-key " + file + " does not belong to the certificate of --ring-tls-cert");
        }
        return key;
    }

    private static boolean matches(PrivateKey key, X509Certificate cert) {
        String alg = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            default -> key.getAlgorithm(); // Ed25519, Ed448
        };
        try {
            byte[] probe = "ringmem ring-tls key check".getBytes(StandardCharsets.US_ASCII);
            Signature s = Signature.getInstance(alg);
            s.initSign(key);
            s.update(probe);
            byte[] sig = s.sign();
            s.initVerify(cert.getPublicKey());
            s.update(probe);
            return s.verify(sig);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static byte[] read(String flag, Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new RingmemException("cannot read " + flag + " " + file + ": " + e.getMessage());
        }
    }

    @Override
    public String toString() {
        return "RingTls[mutual, JDK provider]";
    }
}
