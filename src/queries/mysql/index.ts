// Plugs the MySQL/MariaDB wire tap into the protocol-agnostic proxy. Importing this module is what
// makes `database.protocol: mysql` (and `perfgate proxy --protocol mysql`) work.
import { registerTapFactory } from '../proxy.js';
import { createMysqlTap } from './tap.js';

registerTapFactory('mysql', createMysqlTap);

export { createMysqlTap, MysqlTap, TLS_REFUSED_MESSAGE } from './tap.js';
export { MysqlFramer, encodePacket, type MysqlPacket } from './framer.js';
