import { Field, Input, makeStyles, tokens } from "@fluentui/react-components";
import type { DraftMetadata, MetadataField } from "./packDraft";

const FIELDS: readonly { field: MetadataField; label: string; hint: string }[] = [
  { field: "id", label: "Pack id", hint: "Lower-case letters, digits and dashes, e.g. toms-2025." },
  { field: "name", label: "Name", hint: "How officers will recognise the pack." },
  { field: "edition", label: "Edition", hint: "The year or version of the framework, e.g. 2025." },
  { field: "licence", label: "Licence", hint: "Under which licence your organisation uses these values, e.g. CC BY-NC-ND 4.0." },
  { field: "source", label: "Source", hint: "Where the values come from." },
];

const useStyles = makeStyles({
  root: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalM },
});

interface Props {
  metadata: DraftMetadata;
  errors: Partial<Record<MetadataField, string>>;
  disabled: boolean;
  onChange(field: MetadataField, value: string): void;
}

/** What the measures table cannot say about itself; every pinned value will name this id and edition. */
export function PackMetadataForm({ metadata, errors, disabled, onChange }: Props) {
  const styles = useStyles();
  return (
    <div className={styles.root}>
      {FIELDS.map(({ field, label, hint }) => (
        <Field
          key={field}
          label={label}
          hint={hint}
          required
          validationState={errors[field] ? "error" : "none"}
          validationMessage={errors[field]}
        >
          <Input value={metadata[field]} disabled={disabled} onChange={(_e, data) => onChange(field, data.value)} />
        </Field>
      ))}
    </div>
  );
}
