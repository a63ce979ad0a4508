// Words with every character keepalived 2.2.7's line reader treats specially (comments, quotes,
// blocks, blanks, @config-id and ~SEQ line starts, $ definitions, backslashes): shared by the
// quoting tests of the parser (config-word.test.ts) and the migrate tool (emit-words.test.ts).
export const TRICKY_WORDS: readonly string[] = [
  'plain', 'a#b', 'a!b', 'a"b', 'a{b', 'a}b', '{', '}', 'a b', 'a\tb', 'a\fb', '@ops', '@^x', '~SEQ(x,1,2)', '~x',
  '$_PWD', 'a$_PWD', 'a$_PWD b', '${_HASH}', 'x${_BANG}y', 'a$X', '$NOTDEFINED y', 'a\\', 'a\\#b', '\\!', 'a b\\',
  "it's", '', 'include', 'includer', 'x,y)', '$_PWD,x', '${_RANDOM 1 5}', 'a\\"', 'x"',
];
