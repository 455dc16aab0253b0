import { describe, expect, it } from '@jest/globals';
import { initialAlertLevel, nextEscalation, type AlertState } from './escalation.js';
import { config, local } from './testing/fixtures.js';

// defaults: NORMAL station 10 min, hub 15 min, acknowledged 30 min; EMERGENCY 2 / 3 / 5
const c = config();
const raised = local('10:00');
const at = (hhmm: string) => local(hhmm);
const alert = (s: Partial<AlertState> = {}): AlertState => ({
  level: 'STATION',
  emergency: false,
  raisedAt: raised,
  lastEscalatedAt: null,
  acknowledgedAt: null,
  resolvedAt: null,
  ...s,
});

describe('escalation ladder STATION → HUB → DISTRICT', () => {
  it('an unacknowledged station alert waits for the station delay, then goes to the hub (boundary inclusive)', () => {
    expect(nextEscalation(alert(), at('10:09'), c)).toEqual({
      action: 'WAIT',
      from: 'STATION',
      to: 'HUB',
      dueAt: at('10:10'),
    });
    expect(nextEscalation(alert(), at('10:10'), c)).toEqual({
      action: 'ESCALATE',
      from: 'STATION',
      to: 'HUB',
      dueAt: at('10:10'),
    });
  });

  it('at the hub, the hub delay runs from when it reached the hub', () => {
    const hub = alert({ level: 'HUB', lastEscalatedAt: at('10:12') });
    expect(nextEscalation(hub, at('10:26'), c)).toMatchObject({ action: 'WAIT', to: 'DISTRICT', dueAt: at('10:27') });
    expect(nextEscalation(hub, at('10:27'), c)).toMatchObject({ action: 'ESCALATE', from: 'HUB', to: 'DISTRICT' });
  });

  it('the district is the top: nothing further', () => {
    expect(nextEscalation(alert({ level: 'DISTRICT' }), at('23:00'), c)).toEqual({
      action: 'NONE',
      reason: 'TOP_LEVEL',
    });
  });

  it('a resolved alert never escalates', () => {
    expect(nextEscalation(alert({ resolvedAt: at('10:05') }), at('12:00'), c)).toEqual({
      action: 'NONE',
      reason: 'RESOLVED',
    });
  });

  it('acknowledged at its level: escalates only the acknowledged delay after the acknowledgement', () => {
    const acked = alert({ acknowledgedAt: at('10:08') });
    expect(nextEscalation(acked, at('10:20'), c)).toMatchObject({ action: 'WAIT', dueAt: at('10:38') });
    expect(nextEscalation(acked, at('10:38'), c)).toMatchObject({ action: 'ESCALATE', to: 'HUB' });
  });

  it('acknowledgedMinutes null: an acknowledgement stops the ladder', () => {
    const cfg = config({ escalation: { NORMAL: { acknowledgedMinutes: null } } });
    expect(nextEscalation(alert({ acknowledgedAt: at('10:01') }), at('15:00'), cfg)).toEqual({
      action: 'NONE',
      reason: 'ACKNOWLEDGED',
    });
  });

  it('an acknowledgement made at the previous level does not count at the new one', () => {
    const hub = alert({ level: 'HUB', acknowledgedAt: at('10:05'), lastEscalatedAt: at('10:40') });
    expect(nextEscalation(hub, at('10:55'), c)).toMatchObject({
      action: 'ESCALATE',
      to: 'DISTRICT',
      dueAt: at('10:55'),
    });
  });

  it('emergencies use their own, shorter delays', () => {
    const e = alert({ emergency: true });
    expect(nextEscalation(e, at('10:01'), c)).toMatchObject({ action: 'WAIT', dueAt: at('10:02') });
    expect(nextEscalation(e, at('10:02'), c)).toMatchObject({ action: 'ESCALATE', to: 'HUB' });
    expect(nextEscalation({ ...e, level: 'HUB', lastEscalatedAt: at('10:02') }, at('10:05'), c)).toMatchObject({
      action: 'ESCALATE',
      to: 'DISTRICT',
    });
  });

  it('long overdue (e.g. after a restart): one level per step', () => {
    expect(nextEscalation(alert(), at('18:00'), c)).toMatchObject({ action: 'ESCALATE', from: 'STATION', to: 'HUB' });
  });

  it('the delays come from configuration', () => {
    const slow = config({ escalation: { NORMAL: { stationMinutes: 60 } } });
    expect(nextEscalation(alert(), at('10:30'), slow)).toMatchObject({ action: 'WAIT', dueAt: at('11:00') });
  });
});

describe('where an alert starts', () => {
  it('no candidate or acceptance SLA: the station; an on-site breach: the district directly', () => {
    expect(initialAlertLevel('NO_CANDIDATE')).toBe('STATION');
    expect(initialAlertLevel('ACCEPT_SLA_BREACHED')).toBe('STATION');
    expect(initialAlertLevel('ONSITE_SLA_BREACHED')).toBe('DISTRICT');
    expect(initialAlertLevel('EMERGENCY')).toBe('DISTRICT');
  });
});
