/**
 * A field for something pasted or typed whole (an invite, a link code, a recovery phrase): a
 * labelled textarea that nothing corrects, capitalises or fills in, with its error right under
 * it (role=alert, and describing the field) and a hint.
 */
export function CodeField(props: {
  id: string
  label: string
  value: string
  rows: number
  onChange: (value: string) => void
  error?: string | undefined
  hint?: string
}) {
  const { id, error, hint } = props
  const described = [error && `${id}-error`, hint && `${id}-hint`].filter(Boolean).join(' ')
  return (
    <>
      <p>
        <label htmlFor={id}>{props.label}</label>
        <br />
        <textarea
          id={id}
          value={props.value}
          required
          rows={props.rows}
          cols={50}
          spellCheck={false}
          autoCapitalize="off"
          autoCorrect="off"
          autoComplete="off"
          aria-invalid={error ? true : undefined}
          aria-describedby={described || undefined}
          onChange={(e) => props.onChange(e.target.value)}
        />
      </p>
      {error && (
        <p id={`${id}-error`} role="alert" className="error">
          {error}
        </p>
      )}
      {hint && (
        <p id={`${id}-hint`} className="muted">
          {hint}
        </p>
      )}
    </>
  )
}
