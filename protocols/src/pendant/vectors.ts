/**
 * Golden vectors of the pendant formats [PENDANT SPEC §6]; SPEC.md lists the same rows.
 * Rows marked "bthome.io" / "bthome-ble" come from the public BTHome format page and the reference
 * parser's tests; the others are built by hand from the object table (layout of the Shelly BLU
 * devices). One vector per object id, from the format page's examples, is in
 * `bthome-object-vectors.ts`. Values reduce as there: dimmer `event steps`, unknown event
 * `unknown <code>`, text that is not UTF-8 `invalid utf8 <hex>`.
 */
import type { BakenAdvertEvent } from './baken-advert.js';
import type { BthomeButtonSlot } from './bthome-types.js';

export interface BthomeVector {
  name: string;
  hex: string;
  key?: string;
  address?: string;
  /** Expected summary; `values` maps object name → value in order of appearance. */
  expect:
    | {
        encrypted: boolean;
        triggerBased: boolean;
        counter: number | null;
        packetId: number | null;
        battery: number | null;
        buttons: BthomeButtonSlot[];
        values: [string, unknown][];
        stopped: null | {
          reason: 'unknown_object' | 'truncated' | 'bad_value';
          objectId: number;
          offset: number;
        };
        addressInPayload?: string;
      }
    | { error: string };
}

export const BTHOME_BINDKEY_HEX = '231d39c1d7cc1ab1aee224cd096db932';

const plain = {
  encrypted: false,
  triggerBased: false,
  counter: null,
  packetId: null,
  battery: null,
  buttons: [],
  stopped: null,
};

export const BTHOME_VECTORS: readonly BthomeVector[] = [
  {
    name: 'Shelly BLU Button layout: packet id, battery, press (trigger based)',
    hex: '44005a01643a01',
    expect: {
      ...plain,
      triggerBased: true,
      packetId: 90,
      battery: 100,
      buttons: ['press'],
      values: [
        ['packet_id', 90],
        ['battery', 100],
        ['button', 'press'],
      ],
    },
  },
  {
    name: 'bthome.io: temperature 25.06 °C, humidity 50.55 %',
    hex: '4002ca0903bf13',
    expect: {
      ...plain,
      values: [
        ['temperature', 25.06],
        ['humidity', 50.55],
      ],
    },
  },
  {
    name: 'four-button remote: none, long press, none, double press',
    hex: '44000c015f3a003a043a003a02',
    expect: {
      ...plain,
      triggerBased: true,
      packetId: 12,
      battery: 95,
      buttons: ['none', 'long_press', 'none', 'double_press'],
      values: [
        ['packet_id', 12],
        ['battery', 95],
        ['button', 'none'],
        ['button', 'long_press'],
        ['button', 'none'],
        ['button', 'double_press'],
      ],
    },
  },
  {
    name: 'Shelly BLU H&T layout: temperature 27.3 °C (0x45), humidity 55 % (0x2E)',
    hex: '404511012e37',
    expect: {
      ...plain,
      values: [
        ['temperature', 27.3],
        ['humidity', 55],
      ],
    },
  },
  {
    name: 'voltage 3.074 V (0x0C) and 3.0 V (0x4A)',
    hex: '400c020c4a1e00',
    expect: {
      ...plain,
      values: [
        ['voltage', 3.074],
        ['voltage', 3],
      ],
    },
  },
  {
    name: 'illuminance 13460.67 lx',
    hex: '4005138a14',
    expect: { ...plain, values: [['illuminance', 13460.67]] },
  },
  {
    name: 'generic boolean on, dimmer rotate left 3 steps, hold',
    hex: '400f013c01033a80',
    expect: {
      ...plain,
      buttons: ['hold_press'],
      values: [
        ['generic_boolean', true],
        ['dimmer', 'rotate_left 3'],
        ['button', 'hold_press'],
      ],
    },
  },
  {
    name: 'unknown object 0xFE stops parsing, earlier objects kept',
    hex: '4000010150fe3a01',
    expect: {
      ...plain,
      packetId: 1,
      battery: 80,
      values: [
        ['packet_id', 1],
        ['battery', 80],
      ],
      stopped: { reason: 'unknown_object', objectId: 0xfe, offset: 4 },
    },
  },
  {
    name: 'button event 0x07 is not defined: reported as unknown, the next button still counts',
    hex: '443a073a01',
    expect: {
      ...plain,
      triggerBased: true,
      buttons: ['unknown', 'press'],
      values: [
        ['button', 'unknown 7'],
        ['button', 'press'],
      ],
    },
  },
  {
    name: 'dimmer steps are signed; an undefined dimmer event is unknown and parsing goes on',
    hex: '403c01fd3c0905013c',
    expect: {
      ...plain,
      battery: 60,
      values: [
        ['dimmer', 'rotate_left -3'],
        ['dimmer', 'unknown 9 5'],
        ['battery', 60],
      ],
    },
  },
  {
    name: 'bthome-ble: text that is not UTF-8 is flagged, not replaced',
    hex: '44530187',
    expect: { ...plain, triggerBased: true, values: [['text', 'invalid utf8 87']] },
  },
  {
    name: 'command with reserved length bits set: size unknown, stops as bad value',
    hex: '4001643b200001',
    expect: {
      ...plain,
      battery: 100,
      values: [['battery', 100]],
      stopped: { reason: 'bad_value', objectId: 0x3b, offset: 2 },
    },
  },
  {
    name: 'truncated temperature',
    hex: '4002ca',
    expect: { ...plain, values: [], stopped: { reason: 'truncated', objectId: 0x02, offset: 0 } },
  },
  { name: 'version 1 device info refused', hex: '2002ca09', expect: { error: 'BAKEN_ERR_ADVERT_VERSION' } },
  { name: 'empty service data refused', hex: '', expect: { error: 'BAKEN_ERR_ADVERT_FORMAT' } },
  {
    name: 'bthome.io encrypted: counter 0x00112233, temperature and humidity',
    hex: '41e445f3c9962b332211006c7c4519',
    key: BTHOME_BINDKEY_HEX,
    address: '54:48:E6:8F:80:A5',
    expect: {
      ...plain,
      encrypted: true,
      counter: 0x00112233,
      values: [
        ['temperature', 25.06],
        ['humidity', 50.55],
      ],
    },
  },
  {
    name: 'bthome-ble encrypted: counter bytes 00112233',
    hex: '41a47266c95f730011223378237214',
    key: BTHOME_BINDKEY_HEX,
    address: '54:48:E6:8F:80:A5',
    expect: {
      ...plain,
      encrypted: true,
      counter: 0x33221100,
      values: [
        ['temperature', 25.06],
        ['humidity', 50.55],
      ],
    },
  },
  {
    name: 'encrypted with the address in the payload (device info 0x43)',
    hex: '43a5808fe64854f196c06ffb4900112233f08ecbde',
    key: BTHOME_BINDKEY_HEX,
    expect: {
      ...plain,
      encrypted: true,
      counter: 0x33221100,
      addressInPayload: '54:48:E6:8F:80:A5',
      values: [
        ['temperature', 25.06],
        ['humidity', 50.55],
      ],
    },
  },
  {
    name: 'encrypted Shelly BLU Button layout: packet 90, battery 100, press, counter 7',
    hex: '456bc542346b7007000000ce05dee3',
    key: BTHOME_BINDKEY_HEX,
    address: '3C:2E:F5:00:00:01',
    expect: {
      ...plain,
      encrypted: true,
      triggerBased: true,
      counter: 7,
      packetId: 90,
      battery: 100,
      buttons: ['press'],
      values: [
        ['packet_id', 90],
        ['battery', 100],
        ['button', 'press'],
      ],
    },
  },
  {
    name: 'bthome-ble: encrypted Shelly BLU Button1, counter 442: packet 7, battery 100, press',
    hex: '450aeb84467f85ba0100003188788c',
    key: '90bffd73cb6b26ef58a7a8eba9232036',
    address: 'B4:35:22:F5:3D:A4',
    expect: {
      ...plain,
      encrypted: true,
      triggerBased: true,
      counter: 442,
      packetId: 7,
      battery: 100,
      buttons: ['press'],
      values: [
        ['packet_id', 7],
        ['battery', 100],
        ['button', 'press'],
      ],
    },
  },
  {
    name: 'encrypted advert with a wrong key refused',
    hex: '41e445f3c9962b332211006c7c4519',
    key: '00000000000000000000000000000000',
    address: '54:48:E6:8F:80:A5',
    expect: { error: 'BAKEN_ERR_ADVERT_DECRYPT' },
  },
];

export const BAKEN_TEST_KEY_HEX = '00112233445566778899aabbccddeeff';
export const BAKEN_TEST_DEVICE_ID = 'b4ca0e000001';

export const BAKEN_VECTORS: readonly {
  event: BakenAdvertEvent;
  battery: number | null;
  counter: number;
  hex: string;
}[] = [
  { event: 'alarm', battery: 87, counter: 1, hex: '01b4ca0e0000010157010000007743b7dd4432ba22' },
  { event: 'cancel', battery: 87, counter: 2, hex: '01b4ca0e000001025702000000239700c8da4d30f6' },
  { event: 'fall', battery: 86, counter: 3, hex: '01b4ca0e0000010356030000003dcee880ec29c0c2' },
  { event: 'low_battery', battery: 9, counter: 4, hex: '01b4ca0e000001040904000000191627650e23f73e' },
  { event: 'test', battery: 100, counter: 5, hex: '01b4ca0e00000105640500000045587ab190f7ada5' },
  { event: 'battery', battery: null, counter: 6, hex: '01b4ca0e00000106ff06000000a8b0560ae1efac95' },
];

/**
 * Acknowledgements of the Baken pendant [PENDANT SPEC §7.5]: key `BAKEN_TEST_KEY_HEX`, device id
 * `BAKEN_TEST_DEVICE_ID`; the MAC was checked against an independent HMAC-SHA-256.
 */
export const BAKEN_ACK_VECTORS: readonly { counter: number; hex: string }[] = [
  { counter: 1, hex: '01b4ca0e00000101000000dc6285ba76c2fa65' },
  { counter: 2, hex: '01b4ca0e0000010200000058dcc9c5229ee378' },
  { counter: 0x01020304, hex: '01b4ca0e000001040302014a164de7eb3ac7e8' },
  { counter: 0xffffffff, hex: '01b4ca0e000001fffffffffd6f75d6b7ce2ea2' },
];
