import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.UnsupportedCallbackException;
import javax.security.auth.login.AppConfigurationEntry;
import org.apache.kafka.common.security.auth.AuthenticateCallbackHandler;
import org.apache.kafka.common.security.oauthbearer.OAuthBearerExtensionsValidatorCallback;
import org.apache.kafka.common.security.oauthbearer.OAuthBearerToken;
import org.apache.kafka.common.security.oauthbearer.OAuthBearerTokenCallback;
import org.apache.kafka.common.security.oauthbearer.OAuthBearerValidatorCallback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A test broker's stand-in for Amazon MSK's IAM check, which real MSK makes on AWS's side, so that
 * tagspace's MSK IAM login meets a broker refusing what AWS would refuse. The token is what
 * aws-msk-iam-sasl-signer-js sends over SASL/OAUTHBEARER, the unpadded base64url of a SigV4 presigned
 * URL; the rule checked (SigV4 query signing, service kafka-cluster, host header only):
 *
 * <pre>
 * url       https://kafka.REGION.amazonaws.com/?Action=kafka-cluster:Connect
 *             &amp;X-Amz-Algorithm=AWS4-HMAC-SHA256
 *             &amp;X-Amz-Credential=KEY/DAY/REGION/kafka-cluster/aws4_request
 *             &amp;X-Amz-Date=DAYTHHMMSSZ&amp;X-Amz-Expires=SECONDS&amp;X-Amz-SignedHeaders=host
 *             [&amp;X-Amz-Security-Token=T]&amp;X-Amz-Signature=HEX[&amp;User-Agent=U, added after signing]
 * canonical GET\n/\nQUERY\nhost:HOST\n\nhost\nhex(SHA-256(""))    QUERY: all parameters but
 *             X-Amz-Signature and User-Agent, sorted by key, KEY=VALUE both RFC 3986-encoded, joined by &amp;
 * to sign   AWS4-HMAC-SHA256\nX-Amz-Date\nDAY/REGION/kafka-cluster/aws4_request\nhex(SHA-256(canonical))
 * signature hex(HMAC-SHA256(k, to sign)), k = HMAC chain from "AWS4"+SECRET over DAY, REGION,
 *             kafka-cluster, aws4_request
 * valid     from X-Amz-Date (at most 5 minutes ahead of the broker) until X-Amz-Date + X-Amz-Expires
 * </pre>
 *
 * Keys, secrets and principals come from the listener's JAAS option {@code
 * credentials="KEY:SECRET:PRINCIPAL,..."}. Every refusal answers {"status":"invalid_token"}, as MSK says
 * no more either; the reason goes to the broker's log, never the token, signature or secret.
 */
public class MskIamTestValidator implements AuthenticateCallbackHandler {
  private static final Logger log = LoggerFactory.getLogger(MskIamTestValidator.class);
  // The signer's presign (@smithy/signature-v4) signs a request without a body, whose payload hash is
  // SHA-256 of "" (checked against its tokens), not UNSIGNED-PAYLOAD.
  private static final String EMPTY_SHA256 =
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
  private static final long MAX_AHEAD_MS = 5 * 60_000L;
  private static final long MAX_EXPIRES_S = 7 * 24 * 3600L; // SigV4's bound on a presigned URL
  private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'");

  private final Map<String, String[]> credentials = new HashMap<>(); // key id -> {secret, principal}

  private static final class Refused extends Exception {
    private static final long serialVersionUID = 1L;

    Refused(String reason) {
      super(reason, null, false, false);
    }
  }

  @Override
  public void configure(Map<String, ?> configs, String mechanism, List<AppConfigurationEntry> jaasEntries) {
    for (AppConfigurationEntry entry : jaasEntries) {
      Object option = entry.getOptions().get("credentials");
      for (String item : option == null ? new String[0] : option.toString().split(",")) {
        String[] parts = item.trim().split(":", 3);
        if (parts.length != 3) throw new IllegalArgumentException("credentials: KEY:SECRET:PRINCIPAL,...");
        credentials.put(parts[0], new String[] {parts[1], parts[2]});
      }
    }
  }

  @Override
  public void handle(Callback[] callbacks) throws UnsupportedCallbackException {
    for (Callback callback : callbacks) {
      if (callback instanceof OAuthBearerValidatorCallback) {
        OAuthBearerValidatorCallback validation = (OAuthBearerValidatorCallback) callback;
        try {
          validation.token(check(validation.tokenValue(), System.currentTimeMillis()));
        } catch (Refused e) {
          log.info("MSK IAM token refused: {}", e.getMessage());
          validation.error("invalid_token", null, null);
        } catch (GeneralSecurityException e) {
          throw new IllegalStateException(e); // every JDK has SHA-256 and HmacSHA256
        }
      } else if (callback instanceof OAuthBearerExtensionsValidatorCallback) {
        // MSK tokens carry no SASL extensions; any a client sends stay unvalidated, so are ignored.
      } else if (!(callback instanceof OAuthBearerTokenCallback)) {
        // A token callback is the broker's own login on this listener: this class is its login
        // callback handler too, since Kafka's default one fails on the credentials option. The broker
        // never logs in to itself here, so it gets no token, as with empty JAAS options.
        throw new UnsupportedCallbackException(callback);
      }
    }
  }

  private OAuthBearerToken check(String token, long now) throws Refused, GeneralSecurityException {
    URI url;
    Map<String, String> query = new TreeMap<>(); // sorted by key, as the canonical query is
    try {
      url = new URI(new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8));
      for (String pair : String.valueOf(url.getRawQuery()).split("&")) {
        String[] kv = pair.split("=", 2);
        if (kv.length != 2) throw new Refused("a query parameter without a value");
        String value = URLDecoder.decode(kv[1], StandardCharsets.UTF_8);
        if (query.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8), value) != null) {
          throw new Refused("a repeated query parameter");
        }
      }
    } catch (IllegalArgumentException | URISyntaxException e) {
      throw new Refused("not a base64url-encoded URL");
    }
    require(query, "Action", "kafka-cluster:Connect");
    require(query, "X-Amz-Algorithm", "AWS4-HMAC-SHA256");
    require(query, "X-Amz-SignedHeaders", "host");
    String[] scope = param(query, "X-Amz-Credential").split("/", -1); // KEY/DAY/REGION/SERVICE/aws4_request
    if (scope.length != 5 || !scope[3].equals("kafka-cluster") || !scope[4].equals("aws4_request")) {
      throw new Refused("not a kafka-cluster credential scope");
    }
    String host = "kafka." + scope[2] + ".amazonaws.com";
    String where = url.getScheme() + "://" + url.getRawAuthority() + url.getRawPath();
    if (!where.equals("https://" + host + "/")) {
      throw new Refused("not https://" + host + "/, the host of the scope's region");
    }
    String amzDate = param(query, "X-Amz-Date");
    long startMs;
    double expires;
    try {
      startMs = LocalDateTime.parse(amzDate, AMZ_DATE).toInstant(ZoneOffset.UTC).toEpochMilli();
      // Seconds, with a fraction when the signer's credentials end within its 15 minutes: AWS's own
      // signer sends min((expiration - now) / 1000, 900) unrounded, so AWS's side takes it.
      expires = Double.parseDouble(param(query, "X-Amz-Expires"));
    } catch (DateTimeParseException | NumberFormatException e) {
      throw new Refused("a malformed X-Amz-Date or X-Amz-Expires");
    }
    if (!amzDate.startsWith(scope[1]) || !(expires >= 1 && expires <= MAX_EXPIRES_S)) {
      throw new Refused("a scope day not X-Amz-Date's, or X-Amz-Expires out of range");
    }
    String[] known = credentials.get(scope[0]);
    if (known == null) throw new Refused("an unknown access key id");

    // All that was signed, X-Amz-Security-Token included; the signer adds User-Agent after signing.
    String canonicalQuery = query.entrySet().stream()
        .filter(e -> !e.getKey().equals("X-Amz-Signature") && !e.getKey().equals("User-Agent"))
        .map(e -> rfc3986(e.getKey()) + "=" + rfc3986(e.getValue()))
        .collect(Collectors.joining("&"));
    String canonical = "GET\n/\n" + canonicalQuery + "\nhost:" + host + "\n\nhost\n" + EMPTY_SHA256;
    byte[] canonicalHash =
        MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8));
    String[] scopeParts = {scope[1], scope[2], scope[3], scope[4]};
    String toSign =
        "AWS4-HMAC-SHA256\n" + amzDate + "\n" + String.join("/", scopeParts) + "\n" + hex(canonicalHash);
    byte[] key = ("AWS4" + known[0]).getBytes(StandardCharsets.UTF_8);
    for (String part : scopeParts) key = hmac(key, part);
    byte[] expected = hex(hmac(key, toSign)).getBytes(StandardCharsets.UTF_8);
    byte[] given = param(query, "X-Amz-Signature").getBytes(StandardCharsets.UTF_8);
    if (!MessageDigest.isEqual(expected, given)) throw new Refused("a bad signature"); // constant time

    long endMs = startMs + (long) (expires * 1000);
    if (now >= endMs) throw new Refused("an expired token");
    if (startMs > now + MAX_AHEAD_MS) throw new Refused("a token dated more than 5 minutes ahead");
    log.info("MSK IAM token accepted for {}, valid for {}s from X-Amz-Date", known[1], expires);
    // Kafka ends the session when the token ends (or at connections.max.reauth.ms, if sooner).
    return new OAuthBearerToken() {
      public String value() { return token; }
      public Set<String> scope() { return Collections.emptySet(); }
      public long lifetimeMs() { return endMs; }
      public String principalName() { return known[1]; }
      public Long startTimeMs() { return startMs; }
    };
  }

  private static String param(Map<String, String> query, String name) throws Refused {
    String value = query.get(name);
    if (value == null) throw new Refused("no " + name);
    return value;
  }

  private static void require(Map<String, String> query, String name, String want) throws Refused {
    if (!want.equals(param(query, name))) throw new Refused(name + " is not " + want);
  }

  // RFC 3986: unreserved characters as they are, every other UTF-8 byte as %XX (upper-case hex).
  private static String rfc3986(String s) {
    StringBuilder out = new StringBuilder();
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      boolean unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
      out.append(unreserved || "-_.~".indexOf(c) >= 0 ? String.valueOf(c) : String.format("%%%02X", (int) c));
    }
    return out.toString();
  }

  private static byte[] hmac(byte[] key, String data) throws GeneralSecurityException {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key, "HmacSHA256"));
    return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
  }

  private static String hex(byte[] bytes) {
    StringBuilder out = new StringBuilder();
    for (byte b : bytes) out.append(String.format("%02x", b & 0xff));
    return out.toString();
  }

  @Override
  public void close() {}
}
