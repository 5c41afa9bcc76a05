import { createInterface } from 'node:readline';
import { FAULT_NAMES } from '../faults/fault-board.js';
import type { Home } from '../home.js';
import type { CliIo } from './io.js';

export const INTERACTIVE_HELP = `commands (one per line):
  press [pendant]        alarm press (repeated adverts)
  cancel [pendant]       cancel press
  fall [pendant]         fall detected
  test [pendant]         test press
  battery <pct> [pendant]  set a pendant's battery
  code <digits>          type a code on the key safe keypad
  open | close           open / close the key-safe door
  pair                   press the key safe's pairing button (KS-SERIAL §8.8: 5 minutes for KEY_INSTALL)
  take [hook] | return [hook]  take / return a key
  tamper [source]        tamper switch
  mains on|off           mains power present / lost
  fault <name> on|off [value]  faults: ${FAULT_NAMES.join(', ')}
  status                 device state and active faults
  help | quit`;

/** Runs one interactive command line against a home; returns false on `quit`. */
export function runCommand(home: Home, line: string, io: CliIo): boolean {
  const [cmd = '', ...rest] = line.trim().split(/\s+/);
  const pendant = (id: string | undefined) => {
    const p = id === undefined ? [...home.pendants.values()][0] : home.pendants.get(id);
    if (p === undefined) throw new Error(`no pendant ${id ?? '(none configured)'}`);
    return p;
  };
  const safe = () => {
    if (home.safe === undefined) throw new Error('this home has no key safe');
    return home.safe;
  };
  try {
    switch (cmd) {
      case '':
        break;
      case 'press':
        pendant(rest[0]).press();
        break;
      case 'cancel':
        pendant(rest[0]).cancel();
        break;
      case 'fall':
        pendant(rest[0]).fall();
        break;
      case 'test':
        pendant(rest[0]).testPress();
        break;
      case 'battery':
        pendant(rest[1]).setBattery(Number(rest[0]));
        break;
      case 'code':
        io.out(`code: ${safe().enterCode(rest[0] ?? '')}`);
        break;
      case 'open':
        safe().openDoor();
        break;
      case 'pair':
        safe().pressPairingButton();
        io.out('pairing window open for 5 minutes\n');
        break;
      case 'close':
        safe().closeDoor();
        break;
      case 'take':
        safe().takeKey(Number(rest[0] ?? 1));
        break;
      case 'return':
        safe().returnKey(Number(rest[0] ?? 1));
        break;
      case 'tamper':
        safe().setTamper(Number(rest[0] ?? 1));
        break;
      case 'mains':
        safe().setMains(rest[0] !== 'off');
        break;
      case 'fault': {
        const [name = '', state = 'on', value] = rest;
        home.faults.set(name, state === 'on', value === undefined ? undefined : Number(value));
        io.out(`fault ${name} ${state}`);
        break;
      }
      case 'status':
        io.out(JSON.stringify(status(home)));
        break;
      case 'help':
        io.out(INTERACTIVE_HELP);
        break;
      case 'quit':
      case 'exit':
        return false;
      default:
        io.err(`unknown command '${cmd}' (type help)`);
    }
  } catch (err) {
    io.err(`${cmd}: ${(err as Error).message}`);
  }
  return true;
}

export function status(home: Home): Record<string, unknown> {
  const s = home.safe;
  return {
    pendants: [...home.pendants].map(([id, p]) => ({
      id,
      address: p.address,
      battery: p.battery,
      inRange: p.inRange,
    })),
    keySafe:
      s === undefined
        ? null
        : {
            serial: s.serial,
            powered: s.powered,
            deviceTime: s.rtc.nowSeconds(),
            flags: s.statusFlags(),
            unlocked: s.unlocked,
            battery: s.battery,
            mains: s.mains,
            lastCounter: s.powered ? s.nv.lastCounter : null,
          },
    faults: home.faults.active(),
  };
}

/** Reads commands from stdin until `quit`, the end of input, or `stop` aborts (a signal). */
export async function interactive(home: Home, io: CliIo, stop?: AbortSignal): Promise<void> {
  const rl = createInterface({ input: io.stdin, terminal: false });
  const close = (): void => rl.close();
  stop?.addEventListener('abort', close);
  try {
    if (stop?.aborted) return;
    for await (const line of rl) {
      if (!runCommand(home, line, io)) break;
    }
  } finally {
    stop?.removeEventListener('abort', close);
    rl.close();
  }
}
