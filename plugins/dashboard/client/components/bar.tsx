/** A horizontal bar (worker load, task progress) that is also a real progressbar for assistive tech. */
export function Bar({ value, max, label, text }: { value: number; max: number; label: string; text: string }) {
  const fraction = max > 0 ? Math.min(1, Math.max(0, value / max)) : 0;
  return (
    <div
      class="bar"
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={max}
      aria-valuenow={value}
      aria-valuetext={text}
    >
      <div class="bar-fill" style={{ width: `${(fraction * 100).toFixed(1)}%` }} />
      <span class="bar-text">{text}</span>
    </div>
  );
}
