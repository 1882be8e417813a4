package dev.sessionkit.okhttp;

import okhttp3.Request;
import okhttp3.Response;

/**
 * The OkHttp accessors whose Kotlin spelling differs between 3.x (Java methods:
 * {@code response.request()}) and 4.x/5.x (Kotlin vals: {@code response.request}; the old
 * function is deprecated at level ERROR). Java source is the same for both, and compiles to the
 * same JVM calls, which OkHttp 4 and 5 keep binary compatible: so these calls live here.
 */
final class OkHttpCompat {
  private OkHttpCompat() {}

  static int code(Response response) {
    return response.code();
  }

  static Request request(Response response) {
    return response.request();
  }

  static String host(Request request) {
    return request.url().host();
  }
}
