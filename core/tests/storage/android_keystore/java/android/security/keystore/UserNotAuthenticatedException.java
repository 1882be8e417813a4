// Host stand-in for the Android class of the same name (same package, same superclass), so that
// the Keystore adapter's exception sorting meets it by its real name in host tests.
package android.security.keystore;

import java.security.InvalidKeyException;

public class UserNotAuthenticatedException extends InvalidKeyException {
    public UserNotAuthenticatedException(String message) {
        super(message);
    }
}
