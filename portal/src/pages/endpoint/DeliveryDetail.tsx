import { useDelivery } from '../../api/queries';
import { ms, when } from '../../components/format';
import { QueryState } from '../../components/states';

/** One delivery's attempts: what was sent, what came back. */
export function DeliveryDetail({ deliveryId }: { deliveryId: string }) {
  const delivery = useDelivery(deliveryId);
  return (
    <QueryState query={delivery} what="the delivery" isEmpty={(d) => d.attempts.length === 0} empty={<p>No attempt yet: the delivery is {delivery.data?.status}.</p>}>
      {(data) => (
        <div className="attempts">
          {data.request && (
            <details>
              <summary>Request sent (headers and body)</summary>
              <pre tabIndex={0}>{Object.entries(data.request.headers).map(([name, value]) => `${name}: ${value}`).join('\n')}</pre>
              <pre tabIndex={0}>{data.request.body}</pre>
            </details>
          )}
          <ol>
            {data.attempts.map((attempt) => (
              <li key={attempt.number}>
                <p>
                  <strong>Attempt {attempt.number}</strong> at {when(attempt.startedAt)}: {attempt.statusCode ?? 'no answer'} in {ms(attempt.durationMs)} — {attempt.outcome}
                </p>
                {attempt.error && <p className="failure">{attempt.error}</p>}
                {attempt.responseExcerpt && (
                  <pre tabIndex={0} aria-label={`Response of attempt ${attempt.number}`}>
                    {attempt.responseExcerpt}
                  </pre>
                )}
              </li>
            ))}
          </ol>
        </div>
      )}
    </QueryState>
  );
}
