/*
 * Name, label and annotation rules as k8s.io/apimachinery's validation
 * package states them; the messages are the apiserver's, word for word.
 */
import { FieldError } from './status';
import { ResourceType } from './types';

const DNS1123_LABEL = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const DNS1123_SUBDOMAIN = `${DNS1123_LABEL}(\\.${DNS1123_LABEL})*`;
const DNS1035_LABEL = '[a-z]([-a-z0-9]*[a-z0-9])?';
const QUALIFIED_NAME_PART = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const LABEL_VALUE = `(${QUALIFIED_NAME_PART})?`;

const matches = (pattern: string, value: string) =>
  new RegExp(`^${pattern}$`).test(value);

const tooLong = (max: number) => `must be no more than ${max} characters`;

export function dns1123LabelErrors(value: string): string[] {
  const errors = value.length > 63 ? [tooLong(63)] : [];
  if (!matches(DNS1123_LABEL, value)) {
    errors.push(
      `a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '${DNS1123_LABEL}')`,
    );
  }
  return errors;
}

export function dns1035LabelErrors(value: string): string[] {
  const errors = value.length > 63 ? [tooLong(63)] : [];
  if (!matches(DNS1035_LABEL, value)) {
    errors.push(
      `a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '${DNS1035_LABEL}')`,
    );
  }
  return errors;
}

export function dns1123SubdomainErrors(value: string): string[] {
  const errors = value.length > 253 ? [tooLong(253)] : [];
  if (!matches(DNS1123_SUBDOMAIN, value)) {
    errors.push(
      `a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '${DNS1123_SUBDOMAIN}')`,
    );
  }
  return errors;
}

/** RBAC names and the like: anything that is a safe path segment. */
function pathSegmentErrors(value: string): string[] {
  if (value === '.' || value === '..') return [`may not be '${value}'`];
  for (const forbidden of ['/', '%']) {
    if (value.includes(forbidden)) return [`may not contain '${forbidden}'`];
  }
  return [];
}

/** A label or annotation key: `[prefix/]name`. */
export function qualifiedNameErrors(value: string): string[] {
  const parts = value.split('/');
  if (parts.length > 2) {
    return [
      `a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '${QUALIFIED_NAME_PART}') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
    ];
  }
  const name = parts[parts.length - 1];
  const errors: string[] = [];
  if (parts.length === 2) {
    if (parts[0].length === 0) errors.push('prefix part must be non-empty');
    else {
      errors.push(
        ...dns1123SubdomainErrors(parts[0]).map(e => `prefix part ${e}`),
      );
    }
  }
  if (name.length === 0) errors.push('name part must be non-empty');
  else if (name.length > 63) errors.push(`name part ${tooLong(63)}`);
  if (name.length > 0 && !matches(QUALIFIED_NAME_PART, name)) {
    errors.push(
      `name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '${QUALIFIED_NAME_PART}')`,
    );
  }
  return errors;
}

export function labelValueErrors(value: string): string[] {
  const errors = value.length > 63 ? [tooLong(63)] : [];
  if (!matches(LABEL_VALUE, value)) {
    errors.push(
      `a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '${LABEL_VALUE}')`,
    );
  }
  return errors;
}

/** How each kind's name is validated; DNS-1123 subdomain for all others. */
const NAME_RULES: Record<string, (name: string) => string[]> = {
  '/namespaces': dns1123LabelErrors,
  '/services': dns1035LabelErrors,
  'rbac.authorization.k8s.io/roles': pathSegmentErrors,
  'rbac.authorization.k8s.io/rolebindings': pathSegmentErrors,
  'rbac.authorization.k8s.io/clusterroles': pathSegmentErrors,
  'rbac.authorization.k8s.io/clusterrolebindings': pathSegmentErrors,
};

const invalidValue = (field: string, value: string, problem: string) => ({
  field,
  reason: 'FieldValueInvalid',
  message: `Invalid value: ${JSON.stringify(value)}: ${problem}`,
});

/** Every problem with an object's name, labels and annotation keys. */
export function metadataErrors(
  resource: ResourceType,
  metadata: {
    name: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  },
): FieldError[] {
  const nameRule =
    NAME_RULES[`${resource.group}/${resource.plural}`] ??
    dns1123SubdomainErrors;
  const errors: FieldError[] = nameRule(metadata.name).map(problem =>
    invalidValue('metadata.name', metadata.name, problem),
  );
  for (const [key, value] of Object.entries(metadata.labels ?? {})) {
    for (const problem of qualifiedNameErrors(key)) {
      errors.push(invalidValue('metadata.labels', key, problem));
    }
    for (const problem of labelValueErrors(value)) {
      errors.push(invalidValue('metadata.labels', value, problem));
    }
  }
  for (const key of Object.keys(metadata.annotations ?? {})) {
    for (const problem of qualifiedNameErrors(key.toLowerCase())) {
      errors.push(invalidValue('metadata.annotations', key, problem));
    }
  }
  return errors;
}
