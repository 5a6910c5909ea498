<?php
// The installed PHP header works with PHP's FFI: the library loads by the
// path the header names, a status constant has its number, and a call with
// Thai text returns its display width (น้ำ: 2 columns).
// Usage: php php_ffi.php PREFIX/share/keymsg/php/keymsg.h
$k = FFI::load($argv[1]);
$v = $k->keymsg_version();
echo FFI::string($v->data, $v->len), "\n";
if ($k->KEYMSG_INVALID_UTF8 !== 3) {
    fwrite(STDERR, "KEYMSG_INVALID_UTF8 is not 3\n");
    exit(1);
}
$text = "น้ำ";
$width = FFI::new("size_t");
$status = $k->keymsg_width($text, strlen($text), FFI::addr($width));
if ($status !== $k->KEYMSG_OK || $width->cdata !== 2) {
    fwrite(STDERR, "keymsg_width: status $status, width {$width->cdata}\n");
    exit(1);
}
$name = $k->keymsg_status_name(3);
echo "width ", $width->cdata, ", status 3 is ", FFI::string($name->data, $name->len), "\n";
