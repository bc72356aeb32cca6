import { useId } from 'react';
import { useBots } from '../../api/queries';

/** Every bot, or one: the endpoint's bot filter. */
export function BotSelect({ value, onChange }: { value: string | null; onChange: (botId: string | null) => void }) {
  const bots = useBots();
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>Bot</label>
      <select id={id} value={value ?? ''} onChange={(e) => onChange(e.target.value || null)} disabled={bots.isPending}>
        <option value="">Every bot</option>
        {bots.data?.bots.map((bot) => (
          <option key={bot.id} value={bot.id}>
            {bot.name}
          </option>
        ))}
      </select>
      {bots.isError && <p className="action-error">Could not load the bots: {bots.error.message}</p>}
    </div>
  );
}
