package io.ringmem.coordinator;

import io.ringmem.RingmemException;
import io.ringmem.TestData;
import io.ringmem.api.JobRequest;
import io.ringmem.api.JobRequest.DocumentInput;
import io.ringmem.api.JobState;
import io.ringmem.api.JobStatus;
import io.ringmem.api.RingmemClient;
import io.ringmem.api.RingmemClientException;
import io.ringmem.cluster.ServerTls;
import io.ringmem.model.LoadedModel;
import io.ringmem.model.loader.ModelLoader;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * HTTPS for the REST API from PEM files made at test time (self-signed, for localhost and 127.0.0.1; no key is
 * committed), with {@link RingmemClient} trusting that certificate, and the PEM reader's refusals.
 */
class TlsTest {
    private static final RunnerSettings SETTINGS = new RunnerSettings(Duration.ofSeconds(10), Duration.ofSeconds(60),
            Duration.ofMinutes(1), 4, Duration.ofSeconds(1), Duration.ofMinutes(10), 4);

    /** A self-signed certificate for localhost / 127.0.0.1 and its key pair. */
    record SelfSigned(X509Certificate certificate, KeyPair keys) {
        static SelfSigned make(String algorithm) throws Exception {
            KeyPairGenerator g = KeyPairGenerator.getInstance(algorithm);
            g.initialize(algorithm.equals("RSA") ? 2048 : 256);
            KeyPair kp = g.generateKeyPair();
            X500Name name = new X500Name("CN=localhost");
            Instant now = Instant.now();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, BigInteger.valueOf(now.toEpochMilli()),
                    Date.from(now.minusSeconds(60)), Date.from(now.plus(Duration.ofDays(1))), name, kp.getPublic());
            b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[]{
                new GeneralName(GeneralName.dNSName, "localhost"), new GeneralName(GeneralName.iPAddress, "127.0.0.1")}));
            String signature = algorithm.equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
            X509Certificate cert = new JcaX509CertificateConverter().getCertificate(
                    b.build(new JcaContentSignerBuilder(signature).build(kp.getPrivate())));
            return new SelfSigned(cert, kp);
        }

        Path writeCertificate(Path file) throws Exception {
            return Files.writeString(file, pem("CERTIFICATE", certificate.getEncoded()));
        }

        /** The key as PKCS#8 ({@code PRIVATE KEY}) or in its algorithm's own form (PKCS#1 RSA, SEC1 EC). */
        Path writeKey(Path file, boolean pkcs8) throws Exception {
            byte[] der = keys.getPrivate().getEncoded();
            if (pkcs8) return Files.writeString(file, pem("PRIVATE KEY", der));
            byte[] own = PrivateKeyInfo.getInstance(der).parsePrivateKey().toASN1Primitive().getEncoded();
            String type = keys.getPrivate().getAlgorithm().equals("RSA") ? "RSA PRIVATE KEY" : "EC PRIVATE KEY";
            return Files.writeString(file, pem(type, own));
        }

        static String pem(String type, byte[] der) {
            Base64.Encoder lines = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII));
            return "-----BEGIN " + type + "-----\n" + lines.encodeToString(der) + "\n-----END " + type + "-----\n";
        }
    }

    @Test
    void ringmemClientTalksToACoordinatorOverHttpsTrustingItsCertificate(@TempDir Path dir) throws Exception {
        SelfSigned s = SelfSigned.make("EC");
        ServerTls tls = new ServerTls(s.writeCertificate(dir.resolve("tls.crt")), s.writeKey(dir.resolve("tls.key"), true));
        try (LoadedModel model = ModelLoader.load(TestData.tinystories656k(), null);
             FakeGateway workers = FakeGateway.withReachableWorkers(2);
             TestCoordinator c = new TestCoordinator(workers, model.tokenizer(), model.config().vocabSize(), SETTINGS, Set.of()::contains,
                     JobLimits.defaults(), RestApi.DEFAULT_MAX_REQUEST_BYTES, Optional.of(tls))) {
            String url = "https://127.0.0.1:" + c.port();
            RingmemClient client = RingmemClient.builder(url).apiKey(TestCoordinator.KEY).trustPem(tls.certificate())
                    .pollInterval(Duration.ofMillis(20)).build();
            JobStatus submitted = client.submit(JobRequest.builder("score")
                    .documents(List.of(DocumentInput.tokens("d1", new int[]{1, 2, 3}))).workers(2).build());
            JobStatus done = client.awaitCompletion(submitted.id(), Duration.ofSeconds(60), st -> { });
            assertEquals(JobState.SUCCEEDED, done.state(), String.valueOf(done.error()));
            assertEquals(submitted.id(), client.result(submitted.id()).id());
            assertTrue(client.list().stream().anyMatch(j -> j.id().equals(submitted.id())));
            RingmemClient hostname = RingmemClient.builder("https://localhost:" + c.port()).apiKey(TestCoordinator.KEY)
                    .trustPem(tls.certificate()).build();
            assertTrue(hostname.health(), "the DNS name in the certificate works too");

            RingmemClientException untrusted = assertThrows(RingmemClientException.class,
                    () -> RingmemClient.builder(url).apiKey(TestCoordinator.KEY).build().list());
            assertEquals(0, untrusted.status());
            assertTrue(untrusted.getMessage().contains("TLS handshake"), untrusted.getMessage());
            RingmemClientException noKey = assertThrows(RingmemClientException.class,
                    () -> RingmemClient.builder(url).trustPem(tls.certificate()).build().list());
            assertEquals(401, noKey.status(), "TLS does not replace the key");
        }
    }

    @Test
    void pkcs1RsaKeysAreReadAndOtherFormsRefusedInOneLine(@TempDir Path dir) throws Exception {
        SelfSigned rsa = SelfSigned.make("RSA");
        Path cert = rsa.writeCertificate(dir.resolve("rsa.crt"));
        new ServerTls(cert, rsa.writeKey(dir.resolve("rsa-pkcs1.key"), false)).keyStore();
        new ServerTls(cert, rsa.writeKey(dir.resolve("rsa-pkcs8.key"), true)).keyStore();

        SelfSigned ec = SelfSigned.make("EC");
        RingmemException sec1 = assertThrows(RingmemException.class, () -> new ServerTls(ec.writeCertificate(dir.resolve("ec.crt")),
                ec.writeKey(dir.resolve("ec.key"), false)).keyStore());
        assertTrue(sec1.getMessage().contains("openssl pkcs8 -topk8 -nocrypt"), sec1.getMessage());

        RingmemException mismatch = assertThrows(RingmemException.class,
                () -> new ServerTls(cert, ec.writeKey(dir.resolve("other.key"), true)).keyStore());
        assertTrue(mismatch.getMessage().contains("is not the private key of the certificate"), mismatch.getMessage());

        Path garbage = Files.writeString(dir.resolve("garbage.pem"), "hello");
        RingmemException notPem = assertThrows(RingmemException.class, () -> new ServerTls(garbage, garbage).keyStore());
        assertTrue(notPem.getMessage().startsWith("--tls-cert"), notPem.getMessage());
        for (RingmemException e : List.of(sec1, mismatch, notPem)) assertTrue(!e.getMessage().contains("\n"), e.getMessage());
    }
}
