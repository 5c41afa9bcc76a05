import { createInterface } from 'node:readline';
import type { Home } from '../home.js';
import { SIM_HELP_EN } from './help.js';
import type { CliIo } from './io.js';

export const INTERACTIVE_HELP = SIM_HELP_EN.interactive;

/** Runs one interactive command line against a home; returns false on `quit`. */
export function runCommand(home: Home, line: string, io: CliIo, help = INTERACTIVE_HELP): boolean {
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
        io.out(help);
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
export async function interactive(
  home: Home,
  io: CliIo,
  stop?: AbortSignal,
  help = INTERACTIVE_HELP,
): Promise<void> {
  const rl = createInterface({ input: io.stdin, terminal: false });
  const close = (): void => rl.close();
  stop?.addEventListener('abort', close);
  try {
    if (stop?.aborted) return;
    for await (const line of rl) {
      if (!runCommand(home, line, io, help)) break;
    }
  } finally {
    stop?.removeEventListener('abort', close);
    rl.close();
  }
}
