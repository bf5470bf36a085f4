package io.ringmem.cluster;

import io.ringmem.RingmemException;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * TLS for a service's HTTP endpoint from PEM files (e.g. a Kubernetes {@code kubernetes.io/tls} Secret's
 * {@code tls.crt} and {@code tls.key}, as cert-manager writes them), read with the JDK only.
 *
 * @param certificate the server certificate, then any intermediates (PEM {@code CERTIFICATE} blocks)
 * @param privateKey  its unencrypted private key: PKCS#8 ({@code BEGIN PRIVATE KEY}: RSA, EC or Ed25519) or PKCS#1
 *                    ({@code BEGIN RSA PRIVATE KEY}); SEC1 EC keys ({@code BEGIN EC PRIVATE KEY}) and encrypted keys
 *                    are refused with the {@code openssl pkcs8 -topk8 -nocrypt} command that converts them
 */
public record ServerTls(Path certificate, Path privateKey) {
    private static final Pattern PEM = Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]*)-----END \\1-----");
    private static final char[] PASSWORD = "ringmem".toCharArray(); // of the in-memory key store only

    public ServerTls {
        Objects.requireNonNull(certificate, "certificate");
        Objects.requireNonNull(privateKey, "privateKey");
    }

    /** An in-memory PKCS#12 key store holding the key and chain under alias {@code ringmem}; one clear line on failure. */
    public KeyStore keyStore() {
        List<X509Certificate> chain = certificates();
        PrivateKey key = key();
        checkPair(key, chain.getFirst());
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("ringmem", key, PASSWORD, chain.toArray(new Certificate[0]));
            return ks;
        } catch (GeneralSecurityException | IOException e) {
            throw new RingmemException("cannot build a key store from " + certificate + " and " + privateKey + ": " + e.getMessage());
        }
    }

    /** The password of {@link #keyStore()}'s key entry. */
    public char[] keyPassword() {
        return PASSWORD.clone();
    }

    List<X509Certificate> certificates() {
        byte[] pem = read(certificate, "--tls-cert");
        try (InputStream in = new ByteArrayInputStream(pem)) {
            List<X509Certificate> chain = new ArrayList<>();
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) chain.add((X509Certificate) c);
            if (chain.isEmpty()) throw new RingmemException("--tls-cert " + certificate + " holds no PEM CERTIFICATE");
            return chain;
        } catch (CertificateException | IOException e) {
            throw new RingmemException("--tls-cert " + certificate + " is not a PEM certificate: " + e.getMessage());
        }
    }

    PrivateKey key() {
        String text = new String(read(privateKey, "--tls-key"), StandardCharsets.US_ASCII);
        Matcher m = PEM.matcher(text);
        while (m.find()) {
            String type = m.group(1);
            byte[] der;
            try {
                der = Base64.getMimeDecoder().decode(m.group(2));
            } catch (IllegalArgumentException e) {
                throw new RingmemException("--tls-key " + privateKey + ": the " + type + " block is not valid base64");
            }
            switch (type) {
                case "PRIVATE KEY" -> {
                    return pkcs8(der);
                }
                case "RSA PRIVATE KEY" -> {
                    return pkcs8(rsaPkcs1ToPkcs8(der));
                }
                case "EC PRIVATE KEY", "ENCRYPTED PRIVATE KEY" -> throw new RingmemException("--tls-key " + privateKey + " holds an "
                        + type + "; convert it to an unencrypted PKCS#8 key: openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8");
                default -> {
                    // e.g. EC PARAMETERS before the key: skip
                }
            }
        }
        throw new RingmemException("--tls-key " + privateKey + " holds no PEM PRIVATE KEY (PKCS#8) or RSA PRIVATE KEY (PKCS#1) block");
    }

    private PrivateKey pkcs8(byte[] der) {
        for (String algorithm : List.of("RSA", "EC", "Ed25519", "Ed448")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException tryNext) {
                // not this algorithm
            }
        }
        throw new RingmemException("--tls-key " + privateKey + ": not an RSA, EC or Ed25519 PKCS#8 private key");
    }

    /** The key must sign what the certificate's public key verifies, else the server would fail every handshake. */
    private void checkPair(PrivateKey key, X509Certificate cert) {
        String alg = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            default -> key.getAlgorithm();
        };
        try {
            byte[] probe = "ringmem".getBytes(StandardCharsets.US_ASCII);
            Signature s = Signature.getInstance(alg);
            s.initSign(key);
            s.update(probe);
            byte[] sig = s.sign();
            Signature v = Signature.getInstance(alg);
            v.initVerify(cert.getPublicKey());
            v.update(probe);
            if (v.verify(sig)) return;
        } catch (GeneralSecurityException e) {
            // a different algorithm: not a pair
        }
        throw new RingmemException("--tls-key " + privateKey + " is not the private key of the certificate in " + certificate);
    }

    /** PKCS#8 PrivateKeyInfo {version 0, rsaEncryption, OCTET STRING pkcs1} around a PKCS#1 RSAPrivateKey. */
    static byte[] rsaPkcs1ToPkcs8(byte[] pkcs1) {
        byte[] header = {0x02, 0x01, 0x00, 0x30, 0x0D, 0x06, 0x09, 0x2A, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xF7, 0x0D, 0x01, 0x01,
            0x01, 0x05, 0x00};
        ByteArrayOutputStream octets = new ByteArrayOutputStream();
        octets.write(0x04);
        writeLength(octets, pkcs1.length);
        octets.writeBytes(pkcs1);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0x30);
        writeLength(out, header.length + octets.size());
        out.writeBytes(header);
        out.writeBytes(octets.toByteArray());
        return out.toByteArray();
    }

    private static void writeLength(ByteArrayOutputStream out, int length) {
        if (length < 0x80) {
            out.write(length);
            return;
        }
        int bytes = (32 - Integer.numberOfLeadingZeros(length) + 7) / 8;
        out.write(0x80 | bytes);
        for (int i = bytes - 1; i >= 0; i--) out.write(length >>> (8 * i));
    }

    private static byte[] read(Path file, String option) {
        try {
            if (Files.size(file) > 1 << 20) throw new RingmemException(option + " " + file + " is over 1 MiB: not a PEM file");
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new RingmemException("cannot read " + option + " " + file + ": " + e.getMessage());
        }
    }
}
