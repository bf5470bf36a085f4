package io.ringmem.worker.ring;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;

/** A test CA (EC P-256) that issues worker certificates and writes them as PEM files; nothing is committed. */
public final class TestCerts {
    private static final AtomicLong SERIAL = new AtomicLong(System.nanoTime());
    private final String name;
    private final KeyPair keys;
    private final X509Certificate cert;

    private TestCerts(String name, KeyPair keys, X509Certificate cert) {
        this.name = name;
        this.keys = keys;
        this.cert = cert;
    }

    /** A self-signed CA named {@code name}. */
    public static TestCerts ca(String name) {
        KeyPair kp = ecKeys();
        return new TestCerts(name, kp, sign(name, kp, name, kp, true));
    }

    /** The files of one worker's identity issued by this CA. */
    public record Identity(Path cert, Path key, Path ca) {
        public RingTls tls() {
            return RingTls.fromPem(cert, key, ca);
        }
    }

    /** Issues a worker certificate and writes cert, PKCS#8 key and this CA's certificate under {@code dir}. */
    public Identity issue(Path dir, String worker) {
        KeyPair kp = ecKeys();
        X509Certificate leaf = sign(worker, kp, name, keys, false);
        try {
            Path c = Files.writeString(dir.resolve(worker + ".crt"), pem("CERTIFICATE", leaf.getEncoded()));
            Path k = Files.writeString(dir.resolve(worker + ".key"), pem("PRIVATE KEY", kp.getPrivate().getEncoded()));
            Path ca = Files.writeString(dir.resolve(name + "-ca.crt"), pem("CERTIFICATE", cert.getEncoded()));
            return new Identity(c, k, ca);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    static String pem(String type, byte[] der) {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
        return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
    }

    private static KeyPair ecKeys() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static X509Certificate sign(String subject, KeyPair subjectKeys, String issuer, KeyPair issuerKeys, boolean ca) {
        try {
            Instant now = Instant.now();
            var b = new JcaX509v3CertificateBuilder(new X500Name("CN=" + issuer), BigInteger.valueOf(SERIAL.incrementAndGet()),
                    Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(1))),
                    new X500Name("CN=" + subject), subjectKeys.getPublic());
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
            return new JcaX509CertificateConverter().getCertificate(
                    b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKeys.getPrivate())));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
