// A software stand-in for AndroidKeyStore, for the Keystore adapter's host tests.
//
// A JCA provider registering the KeyStore type "SoftwareKeyStore", whose keys live in a static
// map, so they survive from one KeyStore.getInstance to the next in the same JVM, as
// AndroidKeyStore's keys survive an app restart. Tests can also make it fail the way a device's
// keystore does, alias by alias so that tests can run in parallel: a transient ProviderException, a key whose use throws
// KeyPermanentlyInvalidatedException or UserNotAuthenticatedException (on Android both come from
// Cipher.init, and so they do here), or a key that vanished (a backup restored without it).
package sessionkit.test;

import java.io.InputStream;
import java.io.OutputStream;
import java.security.Key;
import java.security.KeyStoreSpi;
import java.security.Provider;
import java.security.ProviderException;
import java.security.Security;
import java.security.cert.Certificate;
import java.util.Collections;
import java.util.Date;
import java.util.Enumeration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.SecretKey;

public final class SoftwareKeyStore extends KeyStoreSpi {
    public static final String TYPE = "SoftwareKeyStore";

    private static final Map<String, SecretKey> KEYS = new ConcurrentHashMap<>();
    /** Alias -> the exception class its key throws when a cipher is initialised with it. */
    private static final Map<String, String> BROKEN = new ConcurrentHashMap<>();
    /** Aliases whose lookups throw ProviderException, as a busy keystore daemon does. */
    private static final Map<String, Boolean> UNAVAILABLE = new ConcurrentHashMap<>();

    /** Registers the provider (once per JVM). */
    public static synchronized void install() {
        if (Security.getProvider(Registration.NAME) == null) {
            Security.addProvider(new Registration());
        }
    }

    public static boolean hasKey(String alias) {
        return KEYS.containsKey(alias);
    }

    /** The key disappears, as after a backup restored onto another device. */
    public static void loseKey(String alias) {
        KEYS.remove(alias);
        BROKEN.remove(alias);
    }

    /** From now on, using the key throws an exception of this class from Cipher.init. */
    public static void breakKey(String alias, String exceptionClass) {
        BROKEN.put(alias, exceptionClass);
    }

    /** While set, every lookup of this alias throws ProviderException. */
    public static void setUnavailable(String alias, boolean value) {
        if (value) {
            UNAVAILABLE.put(alias, true);
        } else {
            UNAVAILABLE.remove(alias);
        }
    }

    public static final class Registration extends Provider {
        static final String NAME = "SessionKitTestKeyStore";

        public Registration() {
            super(NAME, "1.0", "In-memory KeyStore standing in for AndroidKeyStore in host tests");
            put("KeyStore." + TYPE, SoftwareKeyStore.class.getName());
        }
    }

    @Override
    public Key engineGetKey(String alias, char[] password) {
        if (UNAVAILABLE.containsKey(alias)) {
            throw new ProviderException("keystore temporarily unavailable");
        }
        SecretKey key = KEYS.get(alias);
        String broken = BROKEN.get(alias);
        if (key != null && broken != null) {
            return new BrokenKey(broken);
        }
        return key;
    }

    @Override
    public void engineSetKeyEntry(String alias, Key key, char[] password, Certificate[] chain) {
        if (UNAVAILABLE.containsKey(alias)) {
            throw new ProviderException("keystore temporarily unavailable");
        }
        KEYS.put(alias, (SecretKey) key);
        BROKEN.remove(alias);
    }

    @Override
    public void engineDeleteEntry(String alias) {
        KEYS.remove(alias);
        BROKEN.remove(alias);
    }

    @Override
    public boolean engineContainsAlias(String alias) {
        return KEYS.containsKey(alias);
    }

    @Override
    public Enumeration<String> engineAliases() {
        return Collections.enumeration(KEYS.keySet());
    }

    @Override
    public int engineSize() {
        return KEYS.size();
    }

    @Override
    public boolean engineIsKeyEntry(String alias) {
        return KEYS.containsKey(alias);
    }

    @Override
    public void engineLoad(InputStream stream, char[] password) {}

    @Override
    public void engineStore(OutputStream stream, char[] password) {}

    @Override
    public Certificate[] engineGetCertificateChain(String alias) {
        return null;
    }

    @Override
    public Certificate engineGetCertificate(String alias) {
        return null;
    }

    @Override
    public Date engineGetCreationDate(String alias) {
        return null;
    }

    @Override
    public void engineSetKeyEntry(String alias, byte[] key, Certificate[] chain) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void engineSetCertificateEntry(String alias, Certificate cert) {
        throw new UnsupportedOperationException();
    }

    @Override
    public boolean engineIsCertificateEntry(String alias) {
        return false;
    }

    @Override
    public String engineGetCertificateAlias(Certificate cert) {
        return null;
    }

    /** An AES key whose material cannot be had: the cipher's init throws, as on a device. */
    private static final class BrokenKey implements SecretKey {
        private final String exceptionClass;

        BrokenKey(String exceptionClass) {
            this.exceptionClass = exceptionClass;
        }

        @Override
        public String getAlgorithm() {
            return "AES";
        }

        @Override
        public String getFormat() {
            return "RAW";
        }

        @Override
        public byte[] getEncoded() {
            Throwable failure;
            try {
                failure = (Throwable) Class.forName(exceptionClass)
                        .getConstructor(String.class)
                        .newInstance("key unusable");
            } catch (ReflectiveOperationException e) {
                throw new AssertionError(e);
            }
            throw BrokenKey.<RuntimeException>sneaky(failure);
        }

        @SuppressWarnings("unchecked")
        private static <T extends Throwable> T sneaky(Throwable t) throws T {
            throw (T) t;
        }
    }
}
