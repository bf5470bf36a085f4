package io.ringmem.worker.ring;

import io.ringmem.RingmemException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Mutual TLS on the ring server: peers whose certificate another CA issued, or that speak no TLS, are closed before a
 * single ring byte (the acceptor's CHALLENGE, which a plain ring server sends at once) reaches them; bad files are one
 * clear line. That a TLS ring computes what a plain one does is {@code TcpRingAttentionTest}.
 */
@Timeout(60)
class RingTlsTest {
    private static final RingServerConfig BASE = RingServerConfig.of("127.0.0.1", 0).withHandshakeTimeout(Duration.ofSeconds(3));

    @Test
    void aPeerWithACertificateFromAnotherCaGetsNoRingByte(@TempDir Path dir) throws Exception {
        TestCerts.Identity ours = TestCerts.ca("ring-ca").issue(dir, "w0");
        TestCerts.Identity stranger = TestCerts.ca("other-ca").issue(dir, "intruder");
        try (RingServer server = RingServer.start(BASE.withTls(ours.tls()))) {
            HostPort at = HostPort.parse(server.address());
            // the stranger trusts our server (as if it had stolen our CA certificate), presents its own certificate
            try (SSLSocket s = (SSLSocket) clientContext(stranger, ours.ca()).getSocketFactory().createSocket(at.host(), at.port())) {
                s.setSoTimeout(10_000);
                assertNoByte(s);
            }
            // a plain TCP peer: no TLS, no CHALLENGE
            try (Socket s = new Socket(at.host(), at.port())) {
                s.setSoTimeout(10_000);
                s.getOutputStream().write(new byte[] {0, 0, 0, 8, 1, 2, 3, 4, 5, 6, 7, 8});
                assertNoByte(s);
            }
        }
    }

    @Test
    void aPeerWithACertificateFromOurCaReachesTheRingHandshake(@TempDir Path dir) throws Exception {
        TestCerts ca = TestCerts.ca("ring-ca");
        TestCerts.Identity server0 = ca.issue(dir, "w0");
        TestCerts.Identity peer = ca.issue(dir, "w1");
        try (RingServer server = RingServer.start(BASE.withTls(server0.tls()))) {
            HostPort at = HostPort.parse(server.address());
            try (SSLSocket s = (SSLSocket) clientContext(peer, peer.ca()).getSocketFactory().createSocket(at.host(), at.port())) {
                s.setSoTimeout(10_000);
                KvBlockFrames.Frame f = TestRing.readFrame(s.getInputStream());
                assertTrue(f instanceof KvBlockFrames.Challenge, "a CA-issued peer gets the CHALLENGE inside TLS: " + f);
            }
        }
    }

    @Test
    void unreadableOrMismatchedFilesAreOneClearLine(@TempDir Path dir) throws Exception {
        TestCerts ca = TestCerts.ca("ring-ca");
        TestCerts.Identity a = ca.issue(dir, "a");
        TestCerts.Identity b = ca.issue(dir, "b");
        Path missing = dir.resolve("missing.pem");
        Path garbage = Files.writeString(dir.resolve("garbage.pem"), "not a pem\n");
        List<RingmemException> errors = List.of(
                assertThrows(RingmemException.class, () -> RingTls.fromPem(missing, a.key(), a.ca())),
                assertThrows(RingmemException.class, () -> RingTls.fromPem(a.cert(), garbage, a.ca())),
                assertThrows(RingmemException.class, () -> RingTls.fromPem(a.cert(), b.key(), a.ca())),
                assertThrows(RingmemException.class, () -> RingTls.fromPem(a.cert(), a.key(), garbage)));
        assertTrue(errors.get(0).getMessage().startsWith("cannot read --ring-tls-cert " + missing), errors.get(0).getMessage());
        assertTrue(errors.get(1).getMessage().contains("--ring-tls-key " + garbage + ": not a PKCS#8 PEM"), errors.get(1).getMessage());
        assertTrue(errors.get(2).getMessage().contains("does not belong to the certificate"), errors.get(2).getMessage());
        assertTrue(errors.get(3).getMessage().startsWith("--ring-tls-ca " + garbage), errors.get(3).getMessage());
        for (RingmemException e : errors) assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }

    /** The peer must read end of stream or a TLS/connection error, never a byte of the ring protocol. */
    private static void assertNoByte(Socket s) {
        try {
            InputStream in = s.getInputStream();
            assertEquals(-1, in.read(), "the ring server must send nothing to this peer");
        } catch (IOException refused) {
            // TLS alert or reset: refused before any ring frame
        }
    }

    private static SSLContext clientContext(TestCerts.Identity id, Path trusted) throws Exception {
        CertificateFactory cf = CertificateFactory.getInstance("X.509");
        X509Certificate cert = (X509Certificate) cf.generateCertificate(new ByteArrayInputStream(Files.readAllBytes(id.cert())));
        String pem = Files.readString(id.key()).replaceAll("-----[A-Z ]+-----", "");
        PrivateKey key = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(Base64.getMimeDecoder().decode(pem)));
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("me", key, new char[0], new X509Certificate[] {cert});
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, new char[0]);
        KeyStore ts = KeyStore.getInstance("PKCS12");
        ts.load(null, null);
        ts.setCertificateEntry("ca", cf.generateCertificate(new ByteArrayInputStream(Files.readAllBytes(trusted))));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ts);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return ctx;
    }
}
