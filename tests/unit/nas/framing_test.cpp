#include "common/nas/framing.h"

#include <gtest/gtest.h>

namespace simbind::nas {
namespace {

Bytes frame_bytes(std::uint32_t ue, FrameKind kind, Bytes payload) {
  return encode_frame(Frame{UeConnectionId{ue}, kind, std::move(payload)}).value();
}

TEST(Framing, when_frames_arrive_in_pieces_then_each_comes_out_whole_with_its_ue) {
  Bytes stream = frame_bytes(7, FrameKind::nas_pdu, {0x07, 0x41, 0x01});
  const Bytes second = frame_bytes(0xdeadbeef, FrameKind::ue_context_release, {});
  stream.insert(stream.end(), second.begin(), second.end());
  EXPECT_EQ(stream.size(), (7u + 3u) + 7u);
  EXPECT_EQ(stream[0], 0x00);
  EXPECT_EQ(stream[1], 0x08) << "length counts id, kind and payload";

  FrameReader reader;
  for (std::size_t i = 0; i < stream.size(); ++i) {  // one octet at a time, the worst TCP can do
    reader.feed(ByteView(stream).subspan(i, 1));
    if (i + 1 < 10) {
      EXPECT_FALSE(reader.next().has_value()) << "incomplete frame at " << i;
    }
  }
  // The first frame completed at octet 10 but was not taken yet: both are there now.
  auto a = reader.next();
  ASSERT_TRUE(a);
  EXPECT_EQ(to_uint(a->ue), 7u);
  EXPECT_EQ(a->kind, FrameKind::nas_pdu);
  EXPECT_EQ(a->payload, (Bytes{0x07, 0x41, 0x01}));
  auto b = reader.next();
  ASSERT_TRUE(b);
  EXPECT_EQ(to_uint(b->ue), 0xdeadbeefu);
  EXPECT_EQ(b->kind, FrameKind::ue_context_release);
  EXPECT_TRUE(b->payload.empty());
  EXPECT_FALSE(reader.next());
  EXPECT_EQ(reader.buffered(), 0u);
}

TEST(Framing, when_a_frame_has_an_unknown_kind_then_it_is_dropped_and_the_next_one_still_comes) {
  Bytes stream = frame_bytes(1, FrameKind::nas_pdu, {0xaa});
  stream[6] = 0x09;  // kind 9: reserved
  const Bytes good = frame_bytes(2, FrameKind::nas_pdu, {0xbb});
  stream.insert(stream.end(), good.begin(), good.end());
  FrameReader reader;
  reader.feed(stream);
  auto f = reader.next();
  ASSERT_TRUE(f);
  EXPECT_EQ(to_uint(f->ue), 2u);
  EXPECT_EQ(reader.dropped_frames(), 1u);
  EXPECT_FALSE(reader.broken());
}

TEST(Framing, when_the_length_is_impossible_then_the_stream_is_marked_broken) {
  FrameReader reader;
  reader.feed(Bytes{0x00, 0x03, 0x00, 0x00, 0x00});
  EXPECT_FALSE(reader.next());
  EXPECT_TRUE(reader.broken());
  reader.feed(frame_bytes(1, FrameKind::nas_pdu, {0x01}));
  EXPECT_FALSE(reader.next()) << "nothing comes out of a broken stream";
}

TEST(Framing, when_payload_is_too_large_then_encoding_fails) {
  EXPECT_TRUE(encode_frame(Frame{UeConnectionId{1}, FrameKind::nas_pdu, Bytes(kMaxFramePayload)}));
  EXPECT_FALSE(encode_frame(Frame{UeConnectionId{1}, FrameKind::nas_pdu, Bytes(kMaxFramePayload + 1)}));
}

}  // namespace
}  // namespace simbind::nas
