import {
  fail,
  validateDns1123Label,
  validateDns1123Subdomain,
  validateHostname,
  validateHostPort,
  validateLabels,
  validatePort,
} from './validate';

/**
 * Public, jsii-friendly facade over the validation helpers. Each method throws a
 * {@link ValidationError} naming path, field, bad value and what is valid.
 */
export class Validate {
  /**
   * Always throws a ValidationError.
   *
   * @param path construct path or factory name
   * @param field the bad field
   * @param value the bad value
   * @param expected what is valid
   */
  public static fail(path: string, field: string, value: any, expected: string): void {
    fail(path, field, value, expected);
  }

  /**
   * Throws unless `value` is a DNS-1123 label.
   *
   * @param path construct path or factory name
   * @param field field name
   * @param value value to check
   */
  public static dns1123Label(path: string, field: string, value: string): void {
    validateDns1123Label(path, field, value);
  }

  /**
   * Throws unless `value` is a DNS-1123 subdomain.
   *
   * @param path construct path or factory name
   * @param field field name
   * @param value value to check
   */
  public static dns1123Subdomain(path: string, field: string, value: string): void {
    validateDns1123Subdomain(path, field, value);
  }

  /**
   * Throws unless every key and value of `labels` is valid.
   *
   * @param path construct path or factory name
   * @param field field name
   * @param labels labels to check
   */
  public static labels(path: string, field: string, labels: { [key: string]: string }): void {
    validateLabels(path, field, labels);
  }

  /**
   * Throws unless `port` is an integer from 1 to 65535.
   *
   * @param path construct path or factory name
   * @param field field name
   * @param port value to check
   */
  public static port(path: string, field: string, port: number): void {
    validatePort(path, field, port);
  }

  /**
   * Throws unless `value` is `host:port` (DNS name, IPv4 or [IPv6]; port 1..65535).
   *
   * @param path construct path or factory name
   * @param field field name
   * @param value value to check
   */
  public static hostPort(path: string, field: string, value: string): void {
    validateHostPort(path, field, value);
  }

  /**
   * Throws unless `host` is a DNS host name (optionally a `*.` wildcard).
   *
   * @param path construct path or factory name
   * @param field field name
   * @param host value to check
   * @param allowWildcard whether `*.` is allowed as the whole first label
   */
  public static hostname(path: string, field: string, host: string, allowWildcard?: boolean): void {
    validateHostname(path, field, host, allowWildcard ?? false);
  }
}
