package io.roomcast.gateway.irc;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Objects;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * Makes the {@link SSLContext} for {@link IrcGateway.Builder#tls} from a key store file, such as
 * one made by {@code keytool -genkeypair -keyalg EC -storetype PKCS12 -keystore gateway.p12}.
 * Stateless; any thread.
 */
public final class TlsKeyStore {
    private TlsKeyStore() {
    }

    /**
     * A TLS server context (the JDK's default TLS versions and ciphers) with the key in a key store
     * file: PKCS12 (the JDK's default type) or JKS, whose key has the store's password.
     *
     * @param file     the key store file
     * @param password the store's password (and its key's); not kept
     * @return a context to pass to {@link IrcGateway.Builder#tls}
     * @throws IOException              if the file cannot be read, is not a key store, or the password is wrong
     * @throws GeneralSecurityException if the key store holds no usable key or TLS is not available
     * @throws NullPointerException     if an argument is null
     */
    public static SSLContext serverContext(Path file, char[] password) throws IOException, GeneralSecurityException {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(password, "password");
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        try (InputStream in = Files.newInputStream(file)) {
            store.load(in, password);
        }
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, password);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), null, null);
        return context;
    }
}
